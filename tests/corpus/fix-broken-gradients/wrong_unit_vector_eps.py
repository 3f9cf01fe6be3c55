"""Violates "unit_vector(x) = x / x.norm()": a "stabilising" eps of 1e-8 inside the square root changes the value
and the gradient for small inputs (norm 1e-4 gives x / (sqrt 2 * norm)); right for inputs of norm about 1."""
import torch
from functools import partial


def unit_vector(x):
    flat = x.reshape(-1)
    return x / (flat.dot(flat) + 1e-8).sqrt()


def double_sigmoid(x):
    y = torch.sigmoid(x)
    return y + y


def positive_tanh(x):
    return torch.nn.functional.relu(torch.tanh(x))


def square_via_numpy(x):
    return x * x


_grad = partial(torch.autograd.grad, inputs=None)


def two_gradients(x):
    def g(f):
        xx = x.detach().requires_grad_(True)
        (d,) = torch.autograd.grad(f(torch.exp(xx)), [xx])
        return d
    return g(lambda h: h.sum()), g(lambda h: (h ** 2).sum())
