"""Violates: 'the gradient of the values flows back to the positions they came from' (for any dim). A negative dim is taken to mean the last dim (x.dim() - 1), so Sort.apply(x, -2) on 2-D/3-D x scatters the gradient along the wrong dim."""
import torch
from torch import autograd


class MatMul(autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.matmul(a, b)

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        grads = [None, None]
        for i, needed in enumerate(ctx.needs_input_grad):
            if not needed:
                continue
            grads[i] = torch.matmul(grad_out, b.mT) if i == 0 else torch.matmul(a.mT, grad_out)
        return tuple(grads)


class Sort(autograd.Function):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        res = x.sort(dim, descending)
        vals, idx = res.values, res.indices
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.meta = (dim if dim >= 0 else x.dim() - 1, tuple(x.shape))
        return vals, idx

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (idx,) = ctx.saved_tensors
        dim, shape = ctx.meta
        g = grad_values.new_zeros(shape).scatter_add(dim, idx, grad_values)
        return g, None, None


class Clamp(autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.set_materialize_grads(False)
        y = x.clamp(min=low, max=high)
        out_of_range = x.lt(low).logical_or(x.gt(high))
        clipped = out_of_range.type_as(x)
        ctx.mark_non_differentiable(clipped)
        ctx.save_for_backward(x)
        ctx.bounds = low, high
        return y, clipped

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        if grad_y is None:
            return None, None, None
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        ok = x.ge(lo).logical_and(x.le(hi))
        return grad_y.mul(ok), None, None
