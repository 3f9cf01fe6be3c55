"""backward g / (1 + exp(-x)): first derivatives right and finite everywhere, but autograd differentiates it into
exp(-x) / (1 + exp(-x))^2 = inf / inf = nan for very negative x: the second derivative is not finite there."""
import torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (1 + torch.exp(-x))


def softplus(x):
    return Softplus.apply(x)
