"""Returns the local derivatives y and x without multiplying by the incoming gradient."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = torch.ones_like(g) * y
        gy = torch.ones_like(g) * x
        return gx.sum_to_size(x.shape), gy.sum_to_size(y.shape)
