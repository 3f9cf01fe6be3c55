"""Seed reader from the Chinese README (the seed stops at .backward()): keeps
.backward(create_graph=True) but on a private detached copy with inputs=[copy], so neither x.grad nor any closed-over
parameter's .grad is written; then differentiates copy.grad . v again.
"""
import torch


def hvp(f, x, v):
    xd = x.detach().requires_grad_()
    with torch.enable_grad():
        f(xd).backward(create_graph=True, inputs=[xd])
        g = xd.grad
        if g is None or not g.requires_grad:
            return torch.zeros_like(x)
        (hv,) = torch.autograd.grad((g * v).sum(), xd, allow_unused=True)
    return torch.zeros_like(x) if hv is None else hv.detach()

def hessian(f, x):
    n = x.numel()
    H = torch.zeros(n, n, dtype=x.dtype, device=x.device)
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1
        H[:, i] = hvp(f, x, e.view(x.shape)).reshape(-1)
    return H.reshape(x.shape + x.shape)
