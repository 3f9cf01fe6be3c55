"""Right, the defensive engineer: validates ranks, saves contiguous copies, normalises dim, and builds Sort's backward
with a gather through the inverse permutation (argsort of the indices) instead of a scatter: for x without ties the
indices are a permutation along dim, so gathering grad_values at argsort(indices) returns each gradient to its source
position. Clamp's backward uses masked_fill on a saved bool mask (exact 0 whatever the incoming gradient holds)."""
import torch
from torch.autograd import Function


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        if a.dim() != 2 or b.dim() != 2:
            raise ValueError("MatMul expects 2-D tensors")
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return torch.mm(a, b)

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = torch.mm(grad_out, b.transpose(0, 1))
        if ctx.needs_input_grad[1]:
            grad_b = torch.mm(a.transpose(0, 1), grad_out)
        return grad_a, grad_b


class Sort(Function):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        dim = dim % x.dim() if x.dim() > 0 else 0
        values, indices = torch.sort(x, dim=dim, descending=bool(descending))
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.dim = dim
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        if indices.dim() == 0:
            return grad_values, None, None
        inverse = torch.argsort(indices, dim=ctx.dim)
        return grad_values.gather(ctx.dim, inverse), None, None


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        out_of_range = torch.logical_or(x < low, x > high)
        clipped = out_of_range.to(dtype=x.dtype)
        ctx.mark_non_differentiable(clipped)
        ctx.save_for_backward(out_of_range)
        return torch.clamp(x, min=low, max=high), clipped

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        (out_of_range,) = ctx.saved_tensors
        return grad_y.masked_fill(out_of_range, 0.0), None, None
