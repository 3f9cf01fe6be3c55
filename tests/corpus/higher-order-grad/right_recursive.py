"""Correct, written differently: recursion on n, with the derivative of a constant handled by allow_unused."""
import torch


def nth_derivative(f, x, n):
    if n == 0:
        return f(x)
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    with torch.enable_grad():
        lower = nth_derivative(f, x, n - 1)
        if not lower.requires_grad:
            return torch.zeros_like(x)
        (d,) = torch.autograd.grad(lower.sum(), x, create_graph=True, allow_unused=True)
    return torch.zeros_like(x) if d is None else d
