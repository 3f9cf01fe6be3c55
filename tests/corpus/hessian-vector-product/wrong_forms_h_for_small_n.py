"""Violates `hvp(f, x, v)`: ... by double backward, never forming H: for n <= 1024 it builds the full Hessian (one hvp per basis vector) and returns H @ v; only larger x take the double-backward path."""
import torch
from torch.autograd import grad as _g


def _leaf(x):
    return x.detach().clone().requires_grad_()


def _grad_or_zeros(out, wrt, **kw):
    if not out.requires_grad:
        return torch.zeros_like(wrt)
    (r,) = _g(out, wrt, allow_unused=True, **kw)
    return torch.zeros_like(wrt) if r is None else r


def hvp(f, x, v):
    if 0 < x.numel() <= 1024:
        H = hessian(f, x).reshape(x.numel(), x.numel())
        return (H @ v.reshape(-1).to(H.dtype)).reshape(x.shape)
    return _hvp(f, x, v)


def _hvp(f, x, v):
    z = _leaf(x)
    with torch.enable_grad():
        gradient = _grad_or_zeros(f(z), z, create_graph=True)
        inner = torch.vdot(gradient.reshape(-1), v.reshape(-1).to(gradient.dtype))
        out = _grad_or_zeros(inner, z)
    return out.detach()


def hessian(f, x):
    n = x.numel()
    basis = torch.eye(n, dtype=x.dtype, device=x.device)
    cols = [_hvp(f, x, basis[i].reshape(x.shape)).reshape(-1) for i in range(n)]
    H = torch.stack(cols, dim=1) if cols else x.new_zeros(0, 0)
    return H.reshape(tuple(x.shape) * 2)
