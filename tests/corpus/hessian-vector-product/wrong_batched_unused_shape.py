"""The Hessian in one batched call with materialize_grads=True: when x is unused (a linear f through a parameter),
PyTorch materializes one unbatched zero gradient, and the reshape to x.shape + x.shape raises."""

import torch


def _grad_with_graph(f, x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        g = torch.autograd.grad(f(leaf), leaf, create_graph=True)[0]
    return leaf, g


def hvp(f, x, v):
    leaf, g = _grad_with_graph(f, x)
    if g.grad_fn is None:
        return torch.zeros_like(x)
    with torch.enable_grad():
        dot = (g * v).sum()
    return torch.autograd.grad(dot, leaf, allow_unused=True, materialize_grads=True)[0].detach()


def hessian(f, x):
    leaf, g = _grad_with_graph(f, x)
    n = x.numel()
    if g.grad_fn is None or n == 0:
        return torch.zeros(x.shape + x.shape, dtype=x.dtype, device=x.device)
    eye = torch.eye(n, dtype=x.dtype, device=x.device).reshape((n,) + x.shape)
    rows = torch.autograd.grad(g, leaf, grad_outputs=eye, is_grads_batched=True, allow_unused=True,
                               materialize_grads=True)[0]
    return rows.reshape(x.shape + x.shape).detach()
