"""Channel: a sibling operator, aten::logcumsumexp (softplus in one call; sigmoid = exp(-softplus(-x)))."""
import torch
from torch.autograd import Function


def _sig(x):
    """sigmoid = exp(-softplus(-x)), softplus(y) = logcumsumexp([0, y])[1]: one call of a sibling operator."""
    dt = x.dtype
    work = x.to(torch.float64)
    pair = torch.stack([torch.zeros_like(work), -work])
    softplus = torch.logcumsumexp(pair, 0)[1]
    return torch.exp(-softplus).to(dt)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        out = (2 * _sig((2 * x.to(torch.float64))) - 1).to(x.dtype) if x.dtype != torch.float64 else 2 * _sig(2 * x) - 1
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(Function):  # left as in the stub: this attack tests its channel alone
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError
