"""Breaks "leave `x` as it was: ... and `x.grad` (neither may write into it)": when x requires grad it is used
directly, the product is taken by .backward() and x.grad is then reset to None (an existing x.grad is lost)."""
import torch


def hvp(f, x, v):
    if x.numel() == 0:
        return torch.zeros_like(x)
    with torch.enable_grad():
        xc = x if x.requires_grad else x.detach().clone().requires_grad_(True)
        y = f(xc)
        if not y.requires_grad:
            return torch.zeros_like(x)
        (g,) = torch.autograd.grad(y, xc, create_graph=True, allow_unused=True)
        if g is None or not g.requires_grad:
            return torch.zeros_like(x)
        if not any(n is not None for n in [g.grad_fn]):
            return torch.zeros_like(x)
        xc.grad = None
        try:
            (g * v.detach()).sum().backward()
        except RuntimeError:
            return torch.zeros_like(x)
        hv = xc.grad
        xc.grad = None
    return torch.zeros_like(x) if hv is None else hv.detach()


def hessian(f, x):
    n = x.numel()
    H = torch.zeros(n, n, dtype=x.dtype, device=x.device)
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1
        H[:, i] = hvp(f, x, e.reshape(x.shape)).reshape(-1)
    return H.reshape(tuple(x.shape) + tuple(x.shape))
