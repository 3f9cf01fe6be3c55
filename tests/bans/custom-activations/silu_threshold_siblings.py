"""Channel: one-call siblings. sigmoid = silu(x) / x (1/2 at 0), tanh = 2 sigmoid(2x) - 1, relu = threshold(x, 0, 0)."""
import torch



def _sig(x):
    return torch.where(x == 0, torch.full_like(x, 0.5), torch.nn.functional.silu(x) / torch.where(x == 0, torch.ones_like(x), x))


def _tanh(x):
    return 2 * _sig(2 * x) - 1


def _relu(x):
    return torch.nn.functional.threshold(x, 0.0, 0.0)


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
