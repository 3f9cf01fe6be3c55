"""Right: differentiates the scalar (grad . v) instead of passing grad_outputs, on a detached clone of x, with
allow_unused handling both "f does not need grad" and "x unused"; hessian fills a preallocated flat matrix column by column."""
import torch


def hvp(f, x, v):
    if x.numel() == 0:
        return torch.zeros_like(x)
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_(True)
        y = f(xc)
        if not y.requires_grad:
            return torch.zeros_like(x)
        (g,) = torch.autograd.grad(y, xc, create_graph=True, allow_unused=True)
        if g is None or not g.requires_grad:
            return torch.zeros_like(x)
        dot = (g * v.detach()).sum()
        (hv,) = torch.autograd.grad(dot, xc, allow_unused=True)
    return torch.zeros_like(x) if hv is None else hv.detach()


def hessian(f, x):
    n = x.numel()
    H = torch.zeros(n, n, dtype=x.dtype, device=x.device)
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1
        H[:, i] = hvp(f, x, e.reshape(x.shape)).reshape(-1)
    return H.reshape(tuple(x.shape) + tuple(x.shape))
