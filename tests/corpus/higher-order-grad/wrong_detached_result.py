"""Right values, but detaches the result, so it cannot be differentiated further."""
import torch


def nth_derivative(f, x, n):
    x = x if x.requires_grad else x.detach().requires_grad_(True)
    y = f(x)
    for _ in range(n):
        if not y.requires_grad:
            return torch.zeros_like(x)
        (y,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True, allow_unused=True)
        if y is None:
            return torch.zeros_like(x)
    return y.detach()
