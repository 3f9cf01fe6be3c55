"""Calls autograd.grad even when f(x) does not depend on x, which raises instead of giving zeros."""

import torch


def square_grad(x):
    """The gradient of sum(x ** 2) at x, a new tensor of x's shape; x and x.grad are left as they were."""
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = leaf ** 2
        (g,) = torch.autograd.grad(y, leaf, grad_outputs=torch.ones_like(y))
    return g


def vjp(f, x, v):
    """v^T J of f at x, with x's shape."""
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(leaf)
    if not y.requires_grad:  # y does not depend on x
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y, leaf, grad_outputs=v, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def jacobian(f, x):
    """The Jacobian of f at x, of shape f(x).shape + x.shape."""
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(leaf)
    rows = []
    flat = y.reshape(-1)
    for i in range(flat.numel()):
        g = None
        if True:
            (g,) = torch.autograd.grad(flat[i], leaf, retain_graph=True, allow_unused=True)
        rows.append(torch.zeros_like(x) if g is None else g)
    if not rows:
        return torch.zeros(tuple(y.shape) + tuple(x.shape), dtype=x.dtype, device=x.device)
    return torch.stack(rows).reshape(tuple(y.shape) + tuple(x.shape))
