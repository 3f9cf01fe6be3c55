"""Computes in float32 whatever the inputs' dtype: float64 results lose precision and change dtype."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x.float() * y.float()

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * y).sum_to_size(x.shape).to(x.dtype), (g * x).sum_to_size(y.shape).to(y.dtype)
