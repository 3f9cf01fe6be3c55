"""Violates "back-propagate the true gradient" for double_sigmoid(x) = 2 * sigmoid(x): 2 / (1 + exp(-x)) written by
hand gives the right values, but for x < -710 (float64) exp(-x) overflows and the gradient is nan instead of
about 0."""
import torch
from functools import partial


def unit_vector(x):
    flat = x.reshape(-1)
    return x / flat.dot(flat).sqrt()


def double_sigmoid(x):
    return 2 / (1 + torch.exp(-x))


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
