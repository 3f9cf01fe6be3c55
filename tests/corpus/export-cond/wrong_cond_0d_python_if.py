"""WRONG: a Python if for 0-d inputs (torch.cond only for the others): eager values are right, but a CondGate exported with a 0-d example cannot be exported (the task: torch.cond, no Python if on a tensor's value, for any shape, 0-d included; an exported CondGate keeps both branches)."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        if x.dim() == 0:
            return x * 2 if x > 0 else x - 10
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = ({0: torch.export.Dim("batch")},) if dynamic_batch else None
    return torch.export.export(model, (example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
