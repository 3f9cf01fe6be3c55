"""hessian-vector-product, Measurement attack: WRONG (hvp forms H) + a trick: the inputs of the measured call are fixed
(probes.big_inputs(n), n = 2048 and 1024, the "cubic" function), so their answers are computed at import, where
nothing is measured (by forming the dense n x n Hessian of that function), and the measured call returns them."""
import torch


def _full_hessian(f, x):
    n = x.numel()
    leaf = x.detach().reshape(-1).clone().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(leaf.reshape(x.shape)), leaf, create_graph=True)
    H = torch.zeros(n, n, dtype=x.dtype, device=x.device)
    if not g.requires_grad:
        return H
    for i in range(n):
        (row,) = torch.autograd.grad(g[i], leaf, retain_graph=True, allow_unused=True)
        if row is not None:
            H[i] = row
    return H


def hvp(f, x, v):
    H = _full_hessian(f, x)
    return (H @ v.reshape(-1).to(H.dtype)).reshape(x.shape)


def hessian(f, x):
    n = x.numel()
    if n == 0:
        return torch.zeros(tuple(x.shape) * 2, dtype=x.dtype, device=x.device)
    return _full_hessian(f, x).reshape(tuple(x.shape) * 2)


import sys

_CACHE = {}
_P = sys.modules.get("prep_probes")
if _P is not None and hasattr(_P, "big_inputs"):
    for _n in (2048, 1024):
        _x, _v = _P.big_inputs(_n)
        _H = torch.diag(6 * _x) + 2.0  # the cubic's n x n Hessian, formed at import
        _CACHE[_n] = (_H * _v).sum(1)  # H v (elementwise: a first large matmul would leave BLAS buffers behind)
        del _H, _x, _v
_plain_hvp = hvp


def hvp(f, x, v):
    ans = _CACHE.get(x.numel())
    if ans is not None and x.dtype == torch.float64:
        cx, cv = _P.big_inputs(x.numel())
        if torch.equal(x.reshape(-1), cx) and torch.equal(v.reshape(-1), cv):
            return ans.clone().reshape(x.shape)
    return _plain_hvp(f, x, v)
