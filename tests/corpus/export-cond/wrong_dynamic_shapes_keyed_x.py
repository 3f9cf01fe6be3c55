"""Breaks: "with dynamic_batch=True, dimension 0 of the input is dynamic" for any model with a single positional input.
Keys dynamic_shapes by the argument name "x" (CondGate's), so a model whose forward names its input otherwise
fails to export."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    if dynamic_batch:
        shapes = {"x": {0: torch.export.Dim("batch")}}
        return torch.export.export(model, (example,), dynamic_shapes=shapes)
    return torch.export.export(model, (example,))


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
