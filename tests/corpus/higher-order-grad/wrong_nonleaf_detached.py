"""Violates "The result stays differentiable with respect to x": only a LEAF x that requires grad is used directly; a non-leaf x (x = w * 2) is replaced by a detached copy, so the result does not reach x (or w)."""

import torch
from torch.autograd import grad as _grad


def nth_derivative(f, x, n):
    with torch.enable_grad():
        src = x if (x.requires_grad and x.is_leaf) else x.detach().requires_grad_()
        cur = f(src)
        for _ in range(n):
            if not (isinstance(cur, torch.Tensor) and cur.requires_grad):
                return torch.zeros_like(x)
            (d,) = _grad(cur, src, grad_outputs=torch.ones_like(cur), create_graph=True, allow_unused=True)
            if d is None:
                return torch.zeros_like(x)
            cur = d
    if not (x.requires_grad and x.is_leaf) and isinstance(cur, torch.Tensor):
        cur = cur.detach()
    return cur
