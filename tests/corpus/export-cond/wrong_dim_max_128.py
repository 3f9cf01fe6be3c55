"""Violates "with `dynamic_batch=True`, dimension 0 of the input is dynamic so that the program accepts any batch size":
Dim("batch", max=128) bounds the batch, so a batch of 300 is refused."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    dynamic_shapes = None
    if dynamic_batch:
        dynamic_shapes = ({0: torch.export.Dim("batch", max=128)},)
    return torch.export.export(model, (example,), dynamic_shapes=dynamic_shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
