"""Trusted helpers for grads-of-intermediates, run in the worker (and in the judge, for the references)."""

import torch


def add(x, y):
    return x + y


def sub(x, y):
    return x - y


FUNCTIONS = {
    "add_and_sub": lambda x, y: add(x, y) - sub(x, y),  # the seed's 003-31: equals 2 * y
    "unused": lambda x, y: x * 3,
    "product": lambda x, y: (x * y).sin(),
    "matmul": lambda x, y: x @ y,
    "constant": lambda x, y: torch.ones(2, dtype=x.dtype, device=x.device),
    "through_detach": lambda x, y: x.detach() * y,
}


def mlp(x, W1, W2):
    """A tiny MLP that names its intermediates; 'dead' is computed but not used, 'cut' only through detach(),
    and 'frozen' is computed from a detached tensor (it does not require grad)."""
    z = x @ W1.T
    a = torch.tanh(z)
    o = a @ W2.T
    dead = z * 2
    cut = a * 3
    frozen = z.detach() + 1
    return (o ** 2).mean() + cut.detach().sum() + frozen.sum(), {"z": z, "a": a, "o": o, "dead": dead, "cut": cut,
                                                                  "frozen": frozen}


def shared(x):
    """One intermediate used twice, and a view of it."""
    s = x * x
    v = s[:2]
    return s.sum() + (s * v.sum()).sum(), {"s": s, "v": v}


INTERMEDIATE = {"mlp": mlp, "shared": shared}


def grads(mod, name, *inputs):
    out = mod.grads_of(FUNCTIONS[name], *inputs)
    return {"value": out, "input_grads": [x.grad for x in inputs]}


def intermediates(mod, name, *inputs):
    out = mod.intermediate_grads(INTERMEDIATE[name], *inputs)
    return {"value": out, "input_grads": [x.grad for x in inputs]}
