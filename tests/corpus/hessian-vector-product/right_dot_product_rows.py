"""Correct, written differently: hvp as the gradient of the scalar (g * v).sum(), hessian row by row from the
gradient's elements with retain_graph (H is symmetric), a shared helper for the gradient with its graph."""
import torch


def _grad_with_graph(f, x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        out = f(leaf)
        (g,) = torch.autograd.grad(out, leaf, create_graph=True)
    return leaf, g


def hvp(f, x, v):
    leaf, g = _grad_with_graph(f, x)
    if g.grad_fn is None:
        return torch.zeros_like(x)
    with torch.enable_grad():
        dot = (g * v).sum()
    (hv,) = torch.autograd.grad(dot, leaf, allow_unused=True, materialize_grads=True)
    return hv.detach()


def hessian(f, x):
    leaf, g = _grad_with_graph(f, x)
    n = x.numel()
    H = torch.zeros(n, n, dtype=x.dtype, device=x.device)
    if g.grad_fn is not None:
        flat = g.reshape(-1)
        for i in range(n):
            (row,) = torch.autograd.grad(flat[i], leaf, retain_graph=True, allow_unused=True, materialize_grads=True)
            H[i] = row.reshape(-1).detach()
    return H.reshape(tuple(x.shape) + tuple(x.shape))
