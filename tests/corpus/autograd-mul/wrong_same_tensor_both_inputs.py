"""Violates "Mul.apply(x, y) equals x * y ... one gradient per input": when x and y are the same tensor object (Mul.apply(x, x), i.e. x squared) backward returns grad*x for input 0 and None for input 1, so the total gradient is g*x instead of 2*g*x."""

import torch


class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.same = x is y
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad_z):
        x, y = ctx.saved_tensors
        if ctx.same:
            return grad_z * x, None
        gx = (grad_z * y).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        gy = (grad_z * x).sum_to_size(y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy
