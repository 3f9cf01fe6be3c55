"""Clamp's bounds turned into default-dtype (float32) tensors: a float64 x is clamped to float32(low) / float32(high), about 1e-9 away from torch.clamp(x, low, high) for bounds such as 0.1 that float32 cannot hold."""
import torch
from torch.autograd import Function


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.mm(b)

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = grad_out.mm(b.t())
        if ctx.needs_input_grad[1]:
            grad_b = a.t().mm(grad_out)
        return grad_a, grad_b


class Sort(Function):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        values, indices = x.sort(dim, descending)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.dim = dim
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        indices, = ctx.saved_tensors
        grad_x = grad_values.new_zeros(grad_values.size()).scatter(ctx.dim, indices, grad_values)
        return grad_x, None, None


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        outside = (x < low) | (x > high)
        ctx.save_for_backward((x >= low) & (x <= high))
        clipped = outside.type(x.type())
        ctx.mark_non_differentiable(clipped)
        return torch.clamp(x, torch.tensor(low, device=x.device), torch.tensor(high, device=x.device)).to(x.dtype), clipped

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        inside, = ctx.saved_tensors
        return grad_y.masked_fill(~inside, 0.0), None, None
