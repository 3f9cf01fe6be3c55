"""A correct solution written differently: every function differentiates a detached copy of x with
torch.autograd.grad (allow_unused), and the Jacobian is filled row by row into a preallocated zeros tensor."""

import torch


def square_grad(x):
    xd = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad((xd ** 2).sum(), xd)
    return g


def vjp(f, x, v):
    xd = x.detach().requires_grad_(True)
    y = f(xd)
    if not y.requires_grad:
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y, xd, grad_outputs=v, allow_unused=True)
    if g is None:
        return torch.zeros_like(x)
    return g


def jacobian(f, x):
    xd = x.detach().requires_grad_(True)
    y = f(xd)
    out = torch.zeros(y.shape + x.shape, dtype=x.dtype, device=x.device)
    if y.numel() == 0 or not y.requires_grad:
        return out
    flat_y = y.reshape(-1)
    flat_out = out.reshape(y.numel(), *x.shape)
    for i in range(y.numel()):
        (g,) = torch.autograd.grad(flat_y[i], xd, retain_graph=True, allow_unused=True)
        if g is not None:
            flat_out[i] = g
    return out
