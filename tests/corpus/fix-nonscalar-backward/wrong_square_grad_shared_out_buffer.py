"""State across calls: square_grad writes into a module-level buffer reused while the shape is unchanged and
returns it. Breaks "a new tensor ... calling it twice on the same tensor gives the same answer": the first result is
overwritten by the second call.
"""
import torch

_buf = None

def square_grad(x):
    global _buf
    xx = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad((xx ** 2).sum(), xx)
    if _buf is None or _buf.shape != g.shape or _buf.dtype != g.dtype or _buf.device != g.device:
        _buf = torch.empty_like(g)
    _buf.copy_(g)
    return _buf


def vjp(f, x, v):
    xx = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(xx)
    if not y.requires_grad:
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y, xx, grad_outputs=v, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def jacobian(f, x):
    xx = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(xx)
    out = torch.zeros(y.shape + x.shape, dtype=y.dtype, device=y.device)
    if y.numel() == 0 or not y.requires_grad:
        return out
    flat = out.view(y.numel(), *x.shape)
    for i, yi in enumerate(y.reshape(-1)):
        (g,) = torch.autograd.grad(yi, xx, retain_graph=True, allow_unused=True)
        if g is not None:
            flat[i] = g
    return out
