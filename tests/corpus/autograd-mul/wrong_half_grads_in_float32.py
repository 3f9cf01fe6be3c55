"""Computes the gradients in float32 and returns them in float32 whatever the inputs' dtype: float16, bfloat16
and float64 inputs get float32 gradients."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = (g.float() * y.float()).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        gy = (g.float() * x.float()).sum_to_size(y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy
