"""Right: a naive MatMul whose forward builds a @ b one row at a time (a[i, :, None] * b summed over k). The
forward is unmeasured; its 2048-row loop frees thousands of small temporaries whose pages glibc keeps resident
(16-33 MiB), which looked like memory held in advance until the worker gave free heap pages back before a measured
call (seal.trim_heap). Sort backward routes the gradient with one-hot rows; Clamp uses masked_fill."""
import torch
from torch.autograd import Function


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        rows = []
        for i in range(a.shape[0]):
            rows.append((a[i].unsqueeze(1) * b).sum(0))
        return torch.stack(rows) if rows else a.new_zeros(0, b.shape[1])

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        ga = None
        gb = None
        if ctx.needs_input_grad[0]:
            ga = grad_out @ b.transpose(0, 1)
        if ctx.needs_input_grad[1]:
            gb = a.transpose(0, 1) @ grad_out
        return ga, gb


class Sort(Function):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        values, indices = torch.sort(x, dim, descending)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        ctx.dim = dim
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        dim = ctx.dim % grad_values.dim()
        # move the sorted dim last, flatten the rest, and route every value back with one-hot rows
        g = grad_values.movedim(dim, -1)
        idx = indices.movedim(dim, -1)
        n = g.shape[-1]
        onehot = torch.nn.functional.one_hot(idx, n).to(g.dtype)   # (..., n_sorted, n_orig)
        gx = (g.unsqueeze(-1) * onehot).sum(-2)
        return gx.movedim(-1, dim), None, None


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        mask = (x < low) | (x > high)
        ctx.save_for_backward(mask)
        clipped = mask.to(x.dtype)
        ctx.mark_non_differentiable(clipped)
        return torch.clamp(x, low, high), clipped

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        (mask,) = ctx.saved_tensors
        out = grad_y.clone()
        out = out.masked_fill(mask, 0)
        return out, None, None
