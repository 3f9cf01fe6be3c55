"""Correct, written differently: two branches picked with torch.where (x + log1p(e^-x) above 0, log1p(e^x)
below), and a backward whose sigmoid uses exp of a clamped x in each branch, so that neither branch overflows and
the derivative is right at 0 too."""
import torch
from torch.autograd import Function


class Softplus(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        upper = x + torch.log1p(torch.exp(-x))   # inf where x is very negative: never selected there
        lower = torch.log1p(torch.exp(x))        # inf where x is very positive: never selected there
        return torch.where(x > 0, upper, lower)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        pos = torch.exp(-x.clamp(min=0))   # in (0, 1] for x >= 0, 1 elsewhere
        neg = torch.exp(x.clamp(max=0))    # in (0, 1] for x <= 0, 1 elsewhere
        s = torch.where(x >= 0, 1 / (1 + pos), neg / (1 + neg))
        return grad_output * s


def softplus(x):
    return Softplus.apply(x)
