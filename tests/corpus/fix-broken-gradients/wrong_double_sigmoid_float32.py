"""Violates "return the same values and back-propagate the true gradient" for a float64 x: double_sigmoid takes
the sigmoid of a float32 copy, so values and gradients are float32 numbers cast back (relative error up to 6e-8)."""
import numpy as np
import torch
from torch.autograd import Function, grad


def unit_vector(x):
    return x / torch.linalg.vector_norm(x)


def double_sigmoid(x):
    return 2 * torch.sigmoid(x.float()).to(x.dtype)


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
