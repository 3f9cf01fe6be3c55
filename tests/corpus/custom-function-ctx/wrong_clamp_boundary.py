"""Counts x == low and x == high as clipped: the mask is wrong there and the gradient is 0 instead of torch.clamp's 1."""

import torch
from torch.autograd import Function

class MatMul(Function):
    """a @ b for 2-D a (n, k) and b (k, m); backward computes only the gradients that are needed."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        grad_a = grad_out @ b.T if ctx.needs_input_grad[0] else None
        grad_b = a.T @ grad_out if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Sort(Function):
    """(values, indices) exactly as torch.sort(x, dim, descending); the indices are not differentiable."""

    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        values, indices = torch.sort(x, dim=dim, descending=descending)
        ctx.save_for_backward(indices)
        ctx.dim = dim
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        # values[..., j] = x[..., indices[..., j]]: send each gradient back to where it came from
        grad_x = torch.zeros_like(grad_values).scatter(ctx.dim, indices, grad_values)
        return grad_x, None, None


class Clamp(Function):
    """(torch.clamp(x, low, high), clipped) where clipped is 1.0 where x was outside [low, high], else 0.0
    (x's dtype), and not differentiable. The gradient of the first output is torch.clamp's."""

    @staticmethod
    def forward(ctx, x, low, high):
        clipped = ((x <= low) | (x >= high)).to(x.dtype)
        ctx.save_for_backward(clipped)
        ctx.mark_non_differentiable(clipped)
        return torch.clamp(x, low, high), clipped

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        (clipped,) = ctx.saved_tensors
        return grad_y * (1 - clipped), None, None
