"""export_model turns any export failure into a ValueError of its own: torch.export's error is lost."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    shapes = ({0: torch.export.Dim("batch")},) if dynamic_batch else None
    try:
        return torch.export.export(model, (example,), dynamic_shapes=shapes)
    except Exception as e:
        raise ValueError(f"this model cannot be exported: {e}") from None


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
