"""Violates "the program accepts any batch size": Dim("batch", min=1, max=4096) gives the batch an upper bound, so
a batch of 4097 is refused (the bound is in the program's range constraints)."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    dynamic_shapes = None
    if dynamic_batch:
        dynamic_shapes = ({0: torch.export.Dim("batch", min=1, max=4096)},)
    return torch.export.export(model, (example,), dynamic_shapes=dynamic_shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
