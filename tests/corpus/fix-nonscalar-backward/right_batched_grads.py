"""A correct solution written differently: backward(gradient=...) on a private leaf, and the Jacobian from one batched grad call."""

import torch


def square_grad(x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = leaf * leaf
    y.backward(gradient=torch.ones_like(y))
    return leaf.grad


def vjp(f, x, v):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
    if y.grad_fn is None:
        return torch.zeros_like(x)
    y.backward(gradient=v)
    return leaf.grad if leaf.grad is not None else torch.zeros_like(x)


def jacobian(f, x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
    m = y.numel()
    if y.grad_fn is None or m == 0:
        return torch.zeros(y.shape + x.shape, dtype=x.dtype, device=x.device)
    basis = torch.eye(m, dtype=y.dtype, device=y.device).reshape((m,) + y.shape)
    (J,) = torch.autograd.grad(y, leaf, grad_outputs=basis, is_grads_batched=True, allow_unused=True)
    if J is None:  # x unused: the output depends only on something else
        return torch.zeros(y.shape + x.shape, dtype=x.dtype, device=x.device)
    return J.reshape(y.shape + x.shape)
