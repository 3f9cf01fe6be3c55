"""Violates "it returns the n-th derivative of f at x, with the same shape and dtype as x": when x does not require grad it works on a float64 copy "for accuracy" and never casts back, so a float32 x gets a float64 result."""

import torch
from torch.autograd import grad as _grad


def nth_derivative(f, x, n):
    with torch.enable_grad():
        src = x if x.requires_grad else x.detach().to(torch.float64).requires_grad_()
        cur = f(src)
        for _ in range(n):
            if not (isinstance(cur, torch.Tensor) and cur.requires_grad):
                return torch.zeros_like(x)
            (d,) = _grad(cur, src, grad_outputs=torch.ones_like(cur), create_graph=True, allow_unused=True)
            if d is None:
                return torch.zeros_like(x)
            cur = d
    if not x.requires_grad and isinstance(cur, torch.Tensor):
        cur = cur.detach()
    return cur
