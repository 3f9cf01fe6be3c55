"""Breaks: "Past that point (... 3x + 1 twice) the derivative is zeros": when the derivative stops requiring grad
the learner returns that constant again instead of zeros."""
import torch


def _nth(f, x, n):
    if n == 0:
        return f(x)
    y = _nth(f, x, n - 1)
    if not (isinstance(y, torch.Tensor) and y.requires_grad):
        return y if n == 1 else torch.zeros_like(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def nth_derivative(f, x, n):
    with torch.enable_grad():
        if x.requires_grad:
            return _nth(f, x, n)
        copy = x.detach().requires_grad_(True)
        return _nth(f, copy, n).detach()
