"""Correct, written differently: a while loop counting down, materialize_grads=True instead of checking for None,
and the gradient of the sum (the same as ones as grad_outputs for an elementwise f)."""
import torch


def nth_derivative(f, x, n):
    leaf = x.detach().requires_grad_() if not x.requires_grad else x
    with torch.enable_grad():
        current = f(leaf)
        remaining = n
        while remaining > 0:
            if not current.requires_grad:
                return torch.zeros_like(x)
            current = torch.autograd.grad(current.sum(), leaf, create_graph=True, allow_unused=True,
                                          materialize_grads=True)[0]
            remaining -= 1
    return current
