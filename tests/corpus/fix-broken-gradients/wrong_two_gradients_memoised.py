"""Violates "two_gradients(x) -> (ga, gb): the gradients with respect to x of a = exp(x).sum() and b = (exp(x) **
2).sum()": results are memoised by id(x), so after x is changed in place (x += 1 under no_grad, as an optimizer
step does) it returns the stale gradients of the old values."""
import torch
from functools import partial


def unit_vector(x):
    flat = x.reshape(-1)
    return x / flat.dot(flat).sqrt()


def double_sigmoid(x):
    y = torch.sigmoid(x)
    return y + y


def positive_tanh(x):
    return torch.nn.functional.relu(torch.tanh(x))


def square_via_numpy(x):
    return x * x


_grad = partial(torch.autograd.grad, inputs=None)


_memo = {}


def two_gradients(x):
    if id(x) in _memo:
        return _memo[id(x)]
    _memo[id(x)] = _two(x)
    return _memo[id(x)]


def _two(x):
    def g(f):
        xx = x.detach().requires_grad_(True)
        (d,) = torch.autograd.grad(f(torch.exp(xx)), [xx])
        return d
    return g(lambda h: h.sum()), g(lambda h: (h ** 2).sum())
