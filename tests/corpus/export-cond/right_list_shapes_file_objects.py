"""Right: dynamic_shapes as a list with Dim.DYNAMIC-free named Dim and explicit min; the program is saved and loaded
through open file objects; the gate compares with torch.gt and uses named branch functions."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        def double(t):
            return t + t

        def shift(t):
            return t - 10

        return torch.cond(torch.gt(x.sum(), 0), double, shift, [x])


def export_model(model, example, dynamic_batch=False):
    if dynamic_batch:
        shapes = [{0: torch.export.Dim("n", min=1)}]
        return torch.export.export(model, (example,), dynamic_shapes=shapes)
    return torch.export.export(model, (example,))


def save_exported(ep, path):
    with open(path, "wb") as f:
        torch.export.save(ep, f)


def load_exported(path):
    with open(path, "rb") as f:
        return torch.export.load(f)
