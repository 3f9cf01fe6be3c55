"""Channel: the gradcheck module's private helpers, reached through sys.modules (the module hides behind the function
of the same name): _get_numerical_jacobian for the Jacobians, gradcheck itself for the verdict."""
import sys

import torch

_G = sys.modules["torch.autograd.gradcheck"]


def numerical_jacobian(fn, inputs, eps=1e-6):
    leaves = tuple(x.detach().clone().requires_grad_(True) for x in inputs)
    per_input = _G._get_numerical_jacobian(fn, leaves, eps=eps)
    return tuple(cols[0].T.contiguous() for cols in per_input)


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    return bool(_G.gradcheck(fn, tuple(inputs), eps=eps, atol=atol, rtol=rtol, raise_exception=False))
