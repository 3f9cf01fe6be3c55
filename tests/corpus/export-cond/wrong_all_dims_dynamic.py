"""Violates "with `dynamic_batch=True`, dimension 0 of the input is dynamic" (only dimension 0): marks every dimension
Dim.AUTO, so the program also accepts other sizes of the non-batch dimensions instead of refusing them."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


def export_model(model, example, dynamic_batch=False):
    dynamic_shapes = None
    if dynamic_batch:
        dynamic_shapes = ({i: torch.export.Dim.AUTO for i in range(example.dim())},)
    return torch.export.export(model, (example,), dynamic_shapes=dynamic_shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
