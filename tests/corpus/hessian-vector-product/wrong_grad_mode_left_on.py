"""Wrong: turns grad mode on with torch.set_grad_enabled(True) instead of a with block and never puts it back:
called inside a caller's torch.no_grad(), hvp and hessian return with recording switched on (the README: leave
torch's process-wide settings as you found them). Called with grad mode already on, nothing shows."""
import torch


def _grad_graph(f, x):
    leaf = x.detach().requires_grad_(True)
    torch.set_grad_enabled(True)
    if True:
        out = f(leaf)
        (g,) = torch.autograd.grad(out, leaf, create_graph=True, allow_unused=True)
    return leaf, g


def _hv(leaf, g, v, retain):
    if g is None or not g.requires_grad:
        return torch.zeros_like(leaf)
    with torch.enable_grad():
        (hv,) = torch.autograd.grad(g, leaf, grad_outputs=v, retain_graph=retain, allow_unused=True)
    return torch.zeros_like(leaf) if hv is None else hv


def hvp(f, x, v):
    leaf, g = _grad_graph(f, x)
    return _hv(leaf, g, v.to(leaf.dtype), False).detach()


def hessian(f, x):
    n = x.numel()
    if n == 0:
        return torch.zeros(x.shape + x.shape, dtype=x.dtype, device=x.device)
    leaf, g = _grad_graph(f, x)
    cols = []
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1
        cols.append(_hv(leaf, g, e.view(x.shape), True).detach().reshape(-1))
    return torch.stack(cols, 0).reshape(x.shape + x.shape)
