"""Violates "each with exactly that input's shape ... shapes that broadcast": size-1 dims are summed in ascending order without keepdim, so after the first sum the indices shift; with two broadcast size-1 dims in one input (x (1,3,1) vs y (2,3,4)) the second sum hits the wrong axis or raises."""

import torch


def _reduce(g, shape):
    while g.dim() > len(shape):
        g = g.sum(0)
    for i, s in enumerate(shape):
        if s == 1 and i < g.dim() and g.shape[i] != 1:
            g = g.sum(i)
    return g.reshape(shape)


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad_z):
        x, y = ctx.saved_tensors
        gx = _reduce(grad_z * y, x.shape) if ctx.needs_input_grad[0] else None
        gy = _reduce(grad_z * x, y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy
