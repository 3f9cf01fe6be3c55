"""VIOLATES "accepts any batch size (1 included)": the dynamic batch is bounded below by the example's batch size (Dim('batch', min=example.shape[0])), so smaller batches, 1 included, are refused."""

import torch
from torch import nn
from torch.export import Dim, export as _export, save as _save, load as _load


def _double(t):
    return t.mul(2)


def _minus_ten(t):
    return t.sub(10)


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(torch.sum(x) > 0, _double, _minus_ten, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: Dim("batch", min=max(2, example.shape[0]))},)
    return _export(model, args=(example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    _save(ep, path)


def load_exported(path):
    return _load(path)
