"""Violates "The result stays differentiable with respect to x ... as long as the derivative still depends on x": when an intermediate derivative happens to be all zeros at x (sin at 0 differentiated twice, x**3 at 0 once), it returns constant zeros early, so neither that order nor differentiating it once more is right (d/dx of -sin at 0 is -1)."""

import torch
from torch.autograd import grad as _grad


def nth_derivative(f, x, n):
    with torch.enable_grad():
        src = x if x.requires_grad else x.detach().requires_grad_()
        cur = f(src)
        for _ in range(n):
            if not (isinstance(cur, torch.Tensor) and cur.requires_grad):
                return torch.zeros_like(x)
            (d,) = _grad(cur, src, grad_outputs=torch.ones_like(cur), create_graph=True, allow_unused=True)
            if d is None or not bool((d != 0).any()):
                return torch.zeros_like(x)
            cur = d
    if not x.requires_grad and isinstance(cur, torch.Tensor):
        cur = cur.detach()
    return cur
