"""Violates "return the same values and back-propagate the true gradient" for a float64 x: unit_vector divides by
the norm of a float32 copy (x.float().norm(), a 0-d tensor that keeps the float64 result dtype), so values and
gradients carry the float32 rounding of the norm (relative ~3e-8)."""
import numpy as np
import torch
from torch.autograd import Function, grad


def unit_vector(x):
    return x / x.float().norm()


def double_sigmoid(x):
    return torch.sigmoid(x).mul(2)


def positive_tanh(x):
    return torch.clamp(torch.tanh(x), min=0)


class _NumpySquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.as_tensor(np.square(x.detach().cpu().numpy()), dtype=x.dtype, device=x.device)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def square_via_numpy(x):
    return _NumpySquare.apply(x)


def two_gradients(x):
    h = torch.exp(x)
    a = h.sum()
    b = h.pow(2).sum()
    ga, = grad(a, x, retain_graph=True)
    gb, = grad(b, x)
    return ga, gb
