"""Right: recursion on n, y.sum() as the scalar to differentiate, zeros when autograd gives up."""
import torch


def _nth(f, x, n):
    if n == 0:
        return f(x)
    y = _nth(f, x, n - 1)
    if not (isinstance(y, torch.Tensor) and y.requires_grad):
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def nth_derivative(f, x, n):
    with torch.enable_grad():
        if x.requires_grad:
            return _nth(f, x, n)
        copy = x.detach().requires_grad_(True)
        return _nth(f, copy, n).detach()
