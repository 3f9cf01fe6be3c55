"""Trusted helpers for fix-nonscalar-backward, run in the worker: the functions, by name, and the calls."""

import torch

FUNCTIONS = {
    "square": lambda x: x ** 2,
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "outer": lambda x: x.reshape(-1, 1) * x.reshape(1, -1),
    "cumprod": lambda x: torch.cumprod(x.reshape(-1), 0),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "head_squared": lambda x: x.reshape(-1)[:2] ** 2,
    "constant": lambda x: torch.ones(3, dtype=x.dtype, device=x.device),
}


def function(name, A=None):
    if name == "matvec":
        return lambda x: A @ x
    return FUNCTIONS[name]


def square_grad_twice(mod, x):
    """Call square_grad twice on the same tensor; report both results and what was left in x."""
    before = x.detach().clone()
    first = mod.square_grad(x)
    first = first.detach().clone() if isinstance(first, torch.Tensor) else first
    second = mod.square_grad(x)
    return {"first": first, "second": second, "x_grad": x.grad, "x_changed": not torch.equal(x.detach(), before)}


def vjp(mod, name, x, v, A=None):
    out = mod.vjp(function(name, A), x, v)
    return {"value": out, "x_grad": x.grad}


def jacobian(mod, name, x, A=None):
    out = mod.jacobian(function(name, A), x)
    return {"value": out, "x_grad": x.grad}
