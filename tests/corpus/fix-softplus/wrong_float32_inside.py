"""Computes the stable formula in float32 whatever the input's dtype and casts back: float64 results carry only
float32 precision (relative error ~1e-7)."""
import torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        f = x.float()
        return (f.clamp(min=0) + torch.log1p(torch.exp(-f.abs()))).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * torch.sigmoid(x)


def softplus(x):
    return Softplus.apply(x)
