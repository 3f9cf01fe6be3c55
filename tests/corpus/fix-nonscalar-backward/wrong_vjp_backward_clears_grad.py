"""Breaks "Both leave x as it was" (the stub: "Neither may write into x.grad"): for a leaf x that requires grad, vjp
runs y.backward(v) on x itself, reads x.grad and resets it to None, so a gradient the caller had left there is erased
(invisible when the caller's x.grad was None)."""

import torch


def square_grad(x):
    xd = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad((xd ** 2).sum(), xd)
    return g


def vjp(f, x, v):
    if x.is_leaf and x.requires_grad:
        x.grad = None
        y = f(x)
        if y.requires_grad:
            y.backward(v)
        g = x.grad if x.grad is not None else torch.zeros_like(x)
        x.grad = None
        return g.detach()
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
