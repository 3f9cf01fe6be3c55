"""Detaches the saved tensors in backward: first derivatives are right, second derivatives vanish."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * y.detach()).sum_to_size(x.shape), (g * x.detach()).sum_to_size(y.shape)
