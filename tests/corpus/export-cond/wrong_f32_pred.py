"""VIOLATES "returns x * 2 when x.sum() > 0": sums in float32 (x.float().sum()) 'for a uniform predicate dtype'; a float64 x whose sum is a tiny positive number (1e-50) rounds to 0 in float32 and takes the x - 10 branch."""

import torch
from torch import nn
from torch.export import Dim, export as _export, save as _save, load as _load


def _double(t):
    return t.mul(2)


def _minus_ten(t):
    return t.sub(10)


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.float().sum() > 0, _double, _minus_ten, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: Dim("batch", min=1)},)
    return _export(model, args=(example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    _save(ep, path)


def load_exported(path):
    return _load(path)
