"""Violates "back-propagate the true gradient" for a float64 x: the custom backward of square_via_numpy rounds the
incoming gradient to float32 (2 * x * g.float(), a float64 result again), an error of up to 6e-8 relative."""
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
        return torch.as_tensor(np.square(x.detach().cpu().numpy()), dtype=x.dtype, device=x.device)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g.float()  # the incoming gradient rounded to float32; the product is float64 again


def square_via_numpy(x):
    return _NumpySquare.apply(x)


def two_gradients(x):
    h = torch.exp(x)
    a = h.sum()
    b = h.pow(2).sum()
    ga, = grad(a, x, retain_graph=True)
    gb, = grad(b, x)
    return ga, gb
