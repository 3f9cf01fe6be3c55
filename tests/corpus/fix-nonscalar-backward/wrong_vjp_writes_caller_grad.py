"""vjp calls y.backward(v) on the caller's x itself: right values, but x.grad is written (and accumulates)."""

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
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    x.grad = None
    with torch.enable_grad():
        y = f(x)
    y.backward(v)
    return x.grad.clone()


def jacobian(f, x):
    """The Jacobian of f at x, of shape f(x).shape + x.shape."""
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(leaf)
    rows = []
    flat = y.reshape(-1)
    for i in range(flat.numel()):
        g = None
        if y.requires_grad:
            (g,) = torch.autograd.grad(flat[i], leaf, retain_graph=True, allow_unused=True)
        rows.append(torch.zeros_like(x) if g is None else g)
    if not rows:
        return torch.zeros(tuple(y.shape) + tuple(x.shape), dtype=x.dtype, device=x.device)
    return torch.stack(rows).reshape(tuple(y.shape) + tuple(x.shape))
