"""VIOLATES "returns x * 2 when x.sum() > 0": sums in x's own dtype (sum(dtype=x.dtype)); for an integer x the sum wraps around (int8 [100, 100] sums to -56), so the branch is wrong; torch's x.sum() promotes integers to int64."""

import torch
from torch import nn
from torch.export import Dim, export as _export, save as _save, load as _load


def _double(t):
    return t.mul(2)


def _minus_ten(t):
    return t.sub(10)


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(torch.sum(x, dtype=x.dtype) > 0, _double, _minus_ten, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: Dim("batch", min=1)},)
    return _export(model, args=(example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    _save(ep, path)


def load_exported(path):
    return _load(path)
