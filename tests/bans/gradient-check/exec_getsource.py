"""Channel: exec(inspect.getsource(...)) of the gradcheck module, a copy compiled from torch's own source text."""
import inspect
import sys

import torch

_ns = {}
exec(compile(inspect.getsource(sys.modules["torch.autograd.gradcheck"]), "gradcheck_copy", "exec"), _ns)


def numerical_jacobian(fn, inputs, eps=1e-6):
    leaves = tuple(x.detach().clone().requires_grad_(True) for x in inputs)
    per_input = _ns["_get_numerical_jacobian"](fn, leaves, eps=eps)
    return tuple(cols[0].T.contiguous() for cols in per_input)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    return bool(_ns["gradcheck"](fn, tuple(inputs), eps=eps, atol=atol, rtol=rtol, raise_exception=False))
