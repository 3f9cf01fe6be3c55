"""Channel: torch's Python references (torch._refs), which compute the same thing from prims without the aten operators."""
import torch



def _sig(x):
    return __import__('torch._refs', fromlist=['sigmoid']).sigmoid(x)


def _tanh(x):
    return __import__('torch._refs', fromlist=['tanh']).tanh(x)


def _relu(x):
    return __import__('torch._refs.nn.functional', fromlist=['relu']).relu(x)


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
