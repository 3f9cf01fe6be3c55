"""Channel: a one-call sibling. softplus(x) = logcumsumexp([0, x])[1], exact even for very negative x
(aten::logcumsumexp is trapped with the other equivalents)."""
import torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.logcumsumexp(torch.stack([torch.zeros_like(x), x]), 0)[1]

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + torch.exp(-x))


def softplus(x):
    return Softplus.apply(x)
