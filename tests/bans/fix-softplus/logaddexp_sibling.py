"""Channel: a one-call sibling. softplus(x) = logaddexp(x, 0), which computes the stable formula for you
(aten::logaddexp is trapped; this file was a right_ solution before the task ruled the equivalents out)."""
import torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.logaddexp(x, torch.zeros_like(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + torch.exp(-x))


def softplus(x):
    return Softplus.apply(x)
