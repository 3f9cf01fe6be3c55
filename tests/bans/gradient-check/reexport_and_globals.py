"""Channel: gradcheck reached through another module's namespace, torch.autograd's own re-export bound under a new
name before any call, and gradgradcheck's module globals."""
import torch
from torch.autograd import gradcheck as _gc
from torch.autograd import gradgradcheck as _ggc

_numerical = _ggc.__globals__["_get_numerical_jacobian"]


def numerical_jacobian(fn, inputs, eps=1e-6):
    leaves = tuple(x.detach().clone().requires_grad_(True) for x in inputs)
    per_input = _numerical(fn, leaves, eps=eps)
    return tuple(cols[0].T.contiguous() for cols in per_input)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    return bool(_gc(fn, tuple(inputs), eps=eps, atol=atol, rtol=rtol, raise_exception=False))
