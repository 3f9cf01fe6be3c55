"""Violates "return the same values" for a float64 x: square_via_numpy squares a NumPy float32 copy of x, so the
values are rounded to float32 (relative error up to 6e-8) before being cast back to float64."""
import numpy as np
import torch
from torch.autograd import Function, grad


def unit_vector(x):
    return x / torch.linalg.vector_norm(x)


def double_sigmoid(x):
    return torch.sigmoid(x).mul(2)


def positive_tanh(x):
    return torch.clamp(torch.tanh(x), min=0)


class _NumpySquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.as_tensor(np.square(x.detach().cpu().numpy().astype(np.float32)), dtype=x.dtype, device=x.device)

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
