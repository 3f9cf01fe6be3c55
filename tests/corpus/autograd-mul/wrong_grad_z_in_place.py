"""Violates "backward(ctx, grad_z) must return one gradient per input": with grad mode off it builds y's gradient in
place in the incoming gradient (grad_z.mul_(x)), overwriting the caller's grad_outputs tensor (values of the
gradients stay right)."""
import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad_z):
        x, y = ctx.saved_tensors
        gx = (grad_z * y).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        gy = None
        if ctx.needs_input_grad[1]:
            if (not torch.is_grad_enabled() and grad_z.is_contiguous()
                    and grad_z.shape == x.shape and grad_z.dtype == x.dtype):
                gy = grad_z.mul_(x).sum_to_size(y.shape)
            else:
                gy = (grad_z * x).sum_to_size(y.shape)
        return gx, gy
