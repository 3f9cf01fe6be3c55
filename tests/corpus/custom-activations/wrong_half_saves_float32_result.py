"""Violates "Sigmoid and Tanh keep only their output for backward: ... nothing else of x's size ... may stay alive":
for float16 / bfloat16 inputs Tanh computes in float32 and saves that float32 result (not the output, twice its
size), returning the cast."""
import math

import torch
from torch.autograd import Function as Fn

LOG2E = 1.0 / math.log(2.0)


def _exp_neg_abs(x):
    # e^{-|x|} through exp2, never overflows
    return torch.special.exp2(x.abs().neg().mul(LOG2E))


class Sigmoid(Fn):
    @staticmethod
    def forward(ctx, x):
        z = torch.exp(-x.abs())
        one_over = 1.0 / (1.0 + z)
        y = torch.where(x.signbit(), z * one_over, one_over)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return torch.addcmul(torch.zeros_like(grad), grad, y * (1.0 - y))


class Tanh(Fn):
    @staticmethod
    def forward(ctx, x):
        em = torch.special.expm1(x.abs().mul(-2.0))
        mag = em.neg().div(em.add(2.0))
        y = torch.where(x.signbit(), -mag, mag)
        y = torch.where(x.isnan(), x, y)
        if x.dtype in (torch.float16, torch.bfloat16):
            y32 = Tanh._f32(x)
            ctx.save_for_backward(y32)
            return y32.to(x.dtype)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def _f32(x):
        xf = x.float()
        em = torch.special.expm1(xf.abs().mul(-2.0))
        mag = em.neg().div(em.add(2.0))
        return torch.where(xf.signbit(), -mag, mag)

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad.mul(1.0 - y.pow(2)).to(grad.dtype)


class ReLU(Fn):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.maximum(x, torch.zeros((), dtype=x.dtype, device=x.device))

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return torch.where(x > 0, grad, torch.zeros((), dtype=grad.dtype, device=grad.device))
