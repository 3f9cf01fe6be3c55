"""Takes the first gradient without create_graph=True: it is a constant, so every hvp comes out zero."""

import torch

def hvp(f, x, v):
    """H(x) v for a scalar function f, by double backward, without forming H. Same shape as x."""
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(leaf), leaf)
    if not g.requires_grad:  # the gradient is constant: f is linear in x
        return torch.zeros_like(x)
    (hv,) = torch.autograd.grad(g, leaf, grad_outputs=v, allow_unused=True)
    return torch.zeros_like(x) if hv is None else hv.detach()


def hessian(f, x):
    """The full Hessian of a scalar f at x, of shape x.shape + x.shape, one hvp per basis vector."""
    n = x.numel()
    columns = []
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1.0
        columns.append(hvp(f, x, e.reshape(x.shape)).reshape(-1))
    if not columns:
        return torch.zeros(tuple(x.shape) * 2, dtype=x.dtype, device=x.device)
    # column i is H e_i; H is symmetric, so stacking columns as rows gives H
    return torch.stack(columns).reshape(tuple(x.shape) + tuple(x.shape))
