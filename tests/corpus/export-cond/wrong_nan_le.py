"""VIOLATES "returns x * 2 when x.sum() > 0 and x - 10 otherwise": writes the test as not (x.sum() <= 0); for an x whose sum is NaN, x.sum() > 0 is False (x - 10) but not (NaN <= 0) is True, so it doubles."""

import torch
from torch import nn
from torch.export import Dim, export as _export, save as _save, load as _load


def _double(t):
    return t.mul(2)


def _minus_ten(t):
    return t.sub(10)


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(torch.logical_not(torch.sum(x) <= 0), _double, _minus_ten, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: Dim("batch", min=1)},)
    return _export(model, args=(example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    _save(ep, path)


def load_exported(path):
    return _load(path)
