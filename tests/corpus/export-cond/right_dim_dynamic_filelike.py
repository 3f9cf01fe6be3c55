"""Dim.DYNAMIC for the batch, strict export, and file objects for save and load; CondGate's branches as methods."""
import torch
from torch import nn
from torch.export import Dim, export


class CondGate(nn.Module):
    def double(self, t):
        return t * 2

    def shift(self, t):
        return t - 10

    def forward(self, x):
        return torch.cond(torch.sum(x) > 0, self.double, self.shift, [x])


def export_model(model, example, dynamic_batch=False):
    spec = ({0: Dim.DYNAMIC},) if dynamic_batch else None
    return export(model, (example,), dynamic_shapes=spec, strict=True)


def save_exported(ep, path):
    with open(path, "wb") as f:
        torch.export.save(ep, f)


def load_exported(path):
    with open(path, "rb") as f:
        return torch.export.load(f)
