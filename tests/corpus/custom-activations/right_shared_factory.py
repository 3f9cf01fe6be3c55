"""Correct, written differently: one factory builds Sigmoid and Tanh from (formula, slope-of-the-output) pairs;
tanh uses expm1 (precise for tiny x); sigmoid clamps x per branch; ReLU uses clamp and saves a float mask."""
import torch
from torch.autograd import Function


def _sigmoid_formula(x):
    pos = torch.exp(-x.clamp(min=0))
    neg = torch.exp(x.clamp(max=0))
    return torch.where(x >= 0, 1 / (1 + pos), neg / (1 + neg))


def _tanh_formula(x):
    m = torch.expm1(-2 * x.abs())          # in (-1, 0]
    return torch.sign(x) * (-m / (2 + m))  # (1 - e) / (1 + e) with e = 1 + m


def _output_activation(formula, slope, name):
    class Activation(Function):
        @staticmethod
        def forward(ctx, x):
            y = formula(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * slope(y)

    Activation.__name__ = Activation.__qualname__ = name
    return Activation


Sigmoid = _output_activation(_sigmoid_formula, lambda y: y * (1 - y), "Sigmoid")
Tanh = _output_activation(_tanh_formula, lambda y: (1 - y) * (1 + y), "Tanh")


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        mask = (x > 0).to(x.dtype)
        ctx.save_for_backward(mask)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask
