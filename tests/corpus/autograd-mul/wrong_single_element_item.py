"""Violates "Build the gradients from differentiable tensor operations so that double backward (gradgradcheck)
works": when y has one element it is turned into a Python number (y.item()) in backward, so the double backward
loses the cross term d(grad_x)/dy."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad_z):
        x, y = ctx.saved_tensors
        yy = y.item() if y.numel() == 1 else y
        gx = (grad_z * yy).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        gy = (grad_z * x).sum_to_size(y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy
