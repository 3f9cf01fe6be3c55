"""Breaks "equal torch.sigmoid, torch.tanh ... (float16 / bfloat16 / float32 / float64 kept)": the textbook tanh
(e^x - e^-x) / (e^x + e^-x) with x clamped to [-20, 20] so that float32 and float64 stay finite; in float16 e^x
overflows for |x| > 11.1 and tanh(12) comes out nan."""
import torch
from torch.autograd import Function


def _sig(x):
    # stable sigmoid: exp of a non-positive number only
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _tanh(x):
    c = x.clamp(-20, 20)
    return (torch.exp(c) - torch.exp(-c)) / (torch.exp(c) + torch.exp(-c))


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        y = _sig(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return grad_out * y * (1 - y)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = _tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return grad_out * (1 - y * y)


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        mask = x > 0
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad_out):
        (mask,) = ctx.saved_tensors
        return grad_out * mask
