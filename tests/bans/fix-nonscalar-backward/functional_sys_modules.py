"""Channel: torch.autograd.functional's vjp and jacobian, reached through sys.modules rather than by name."""
import sys

import torch

_F = sys.modules["torch.autograd.functional"]


def square_grad(x):
    return vjp(lambda t: t ** 2, x, torch.ones_like(x))


def vjp(f, x, v):
    return _F.vjp(f, x.detach(), v)[1]


def jacobian(f, x):
    return _F.jacobian(f, x.detach())
