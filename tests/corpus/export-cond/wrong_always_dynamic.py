"""export_model marks dimension 0 dynamic whether or not dynamic_batch is asked for."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    return torch.export.export(model, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},))


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
