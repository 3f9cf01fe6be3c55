"""Channel: names built from strings, getattr(torch.autograd, 'grad' + 'check'), and the public
get_numerical_jacobian found the same way."""
import importlib

import torch

_mod = importlib.import_module("torch.autograd." + "grad" + "check")
_check = getattr(torch.autograd, "grad" + "check")


def numerical_jacobian(fn, inputs, eps=1e-6):
    leaves = tuple(x.detach().clone().requires_grad_(True) for x in inputs)
    per_input = getattr(_mod, "_get_numerical_" + "jacobian")(fn, leaves, eps=eps)
    return tuple(cols[0].T.contiguous() for cols in per_input)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    return bool(_check(fn, tuple(inputs), eps=eps, atol=atol, rtol=rtol, raise_exception=False))
