"""Angle: state across calls. "returns the n-th derivative of f at x": results memoised per (id(f), n, shape,
dtype); the first call is right, a second call with the same f at other points returns the first call's values.
"""
import torch


_MEMO = {}


def nth_derivative(f, x, n):
    key = (id(f), n, tuple(x.shape), x.dtype, x.requires_grad)
    if key not in _MEMO:
        _MEMO[key] = _nth(f, x, n)
    return _MEMO[key]


def _nth(f, x, n):
    """The n-th derivative of the elementwise function f at x (same shape and dtype as x).

    n = 0 gives f(x). The result stays differentiable with respect to x, and x.grad is not touched.
    """
    src = x if x.requires_grad else x.detach().requires_grad_()
    with torch.enable_grad():
        y = f(src)
        for _ in range(n):
            if not (isinstance(y, torch.Tensor) and y.requires_grad):
                return torch.zeros_like(x)
            (g,) = torch.autograd.grad(y.sum(), src, create_graph=True, allow_unused=True)
            if g is None:
                return torch.zeros_like(x)
            y = g
    if not x.requires_grad:
        y = y.detach()
    return y
