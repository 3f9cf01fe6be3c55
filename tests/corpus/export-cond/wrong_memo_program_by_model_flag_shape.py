"""State: caches exported programs per (id(model), dynamic flag, example shape), so exporting the same model again
after its parameters were replaced (a checkpoint loaded with assign=True) returns the old program with the old
weights. Breaks "torch.export of model for the single positional input example" (each call exports the model as it
is then). Escaped round 21's graders in its id-only form (wrong_memo_program_by_model_and_flag)."""
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
    key = (id(model), dynamic_batch, tuple(example.shape))
    if key not in _CACHE:
        _CACHE[key] = torch.export.export(model, (example,), dynamic_shapes=shapes)
    return _CACHE[key]


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
