"""Violates 'returns the gradient of sum(x ** 2) at x (that is 2x ...), a tensor of x's shape and dtype': the gradient is computed in float32 and cast back, so float64 values are only float32-accurate (2 * 12345.678901 is off by about 4e-4)."""
import torch
from torch.autograd import grad as agrad


def _fresh(x):
    return x.detach().clone().requires_grad_(True)


def square_grad(x):
    z = _fresh(x.float())
    y = z * z
    y.backward(gradient=torch.ones_like(y))
    return z.grad.to(x.dtype)


def _pullback(out, z, cot):
    if not out.requires_grad:
        return torch.zeros_like(z)
    (g,) = agrad(out, z, grad_outputs=cot, allow_unused=True, retain_graph=True)
    return torch.zeros_like(z) if g is None else g


def vjp(f, x, v):
    z = _fresh(x)
    return _pullback(f(z), z, v).detach()


def jacobian(f, x):
    z = _fresh(x)
    out = f(z)
    rows = []
    flat = out.reshape(-1)
    for i in range(flat.numel()):
        e = torch.zeros_like(flat)
        e[i] = 1
        rows.append(_pullback(out, z, e.view_as(out)).reshape(-1))
    if rows:
        J = torch.stack(rows)
    else:
        J = torch.zeros(0, z.numel(), dtype=z.dtype, device=z.device)
    return J.reshape(tuple(out.shape) + tuple(x.shape))
