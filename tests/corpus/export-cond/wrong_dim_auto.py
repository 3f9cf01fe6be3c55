"""Violates "with `dynamic_batch=True`, dimension 0 of the input is dynamic so that the program accepts any batch size (1 included; an example of batch 1 cannot be made dynamic: raise then, as torch.export does)": uses Dim.AUTO, which silently specializes a batch-1 example and returns a program fixed to batch 1."""
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
        shapes = ({0: Dim.AUTO},)
    return _export(model, args=(example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    _save(ep, path)


def load_exported(path):
    return _load(path)
