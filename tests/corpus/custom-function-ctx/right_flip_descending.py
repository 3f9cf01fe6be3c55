"""Correct, written differently: torch.mm with explicit transposes, Sort through an ascending argsort flipped for
descending order (right for inputs without ties) and scatter_add in backward, Clamp through minimum / maximum with
the mask saved as a bool tensor."""
import torch
from torch.autograd import Function as F


class MatMul(F):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.mm(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = torch.mm(g, b.t()) if ctx.needs_input_grad[0] else None
        gb = torch.mm(a.t(), g) if ctx.needs_input_grad[1] else None
        return ga, gb


class Sort(F):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        idx = torch.argsort(x, dim=dim)
        if descending:
            idx = idx.flip(dim)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.dim = dim
        return torch.gather(x, dim, idx), idx

    @staticmethod
    def backward(ctx, grad_values, _grad_idx):
        (idx,) = ctx.saved_tensors
        out = torch.zeros_like(grad_values).scatter_add(ctx.dim, idx, grad_values)
        return out, None, None


class Clamp(F):
    @staticmethod
    def forward(ctx, x, low, high):
        lo = torch.tensor(low, dtype=x.dtype, device=x.device)
        hi = torch.tensor(high, dtype=x.dtype, device=x.device)
        outside = (x < lo) | (x > hi)
        ctx.save_for_backward(outside)
        clipped = outside.to(x.dtype)
        ctx.mark_non_differentiable(clipped)
        return torch.minimum(torch.maximum(x, lo), hi), clipped

    @staticmethod
    def backward(ctx, grad_y, _grad_clipped):
        (outside,) = ctx.saved_tensors
        return grad_y.masked_fill(outside, 0), None, None
