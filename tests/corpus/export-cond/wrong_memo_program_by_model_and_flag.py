"""State: caches exported programs per (id(model), dynamic flag), so a second static export of the same model at
another batch size returns the program fixed to the first batch size. Breaks "torch.export of model for the single
positional input example ... otherwise it is fixed to the example's". Round 21: full marks under seed 1 before
test_static_batch_is_specialized exported one model statically at batch 5 and then at batch 3."""
import torch
from torch import nn


class CondGate(nn.Module):
    def forward(self, x):
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))


_CACHE = {}


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: torch.export.Dim("batch")},)
    key = (id(model), dynamic_batch)
    if key not in _CACHE:
        _CACHE[key] = torch.export.export(model, (example,), dynamic_shapes=shapes)
    return _CACHE[key]


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
