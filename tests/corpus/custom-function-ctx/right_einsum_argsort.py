"""A correct solution written differently: einsum, argsort + gather with an inverse permutation, torch.where."""

import torch


class MatMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return torch.einsum("ik,kj->ij", a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (torch.einsum("ij,kj->ik", g, b) if need_a else None,
                torch.einsum("ik,ij->kj", a, g) if need_b else None)


class Sort(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        order = torch.sort(x, dim=dim, descending=descending).indices
        ctx.mark_non_differentiable(order)
        ctx.save_for_backward(order)
        ctx.dim = dim
        return x.gather(dim, order), order

    @staticmethod
    def backward(ctx, g, _unused):
        order, = ctx.saved_tensors
        inverse = torch.argsort(order, dim=ctx.dim)  # where each original position went
        return g.gather(ctx.dim, inverse), None, None


class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        inside = (x >= low) & (x <= high)
        ctx.save_for_backward(inside)
        mask = (~inside).to(x.dtype)
        ctx.mark_non_differentiable(mask)
        return torch.where(x < low, torch.full_like(x, low), torch.where(x > high, torch.full_like(x, high), x)), mask

    @staticmethod
    def backward(ctx, g, _unused):
        inside, = ctx.saved_tensors
        return torch.where(inside, g, torch.zeros_like(g)), None, None
