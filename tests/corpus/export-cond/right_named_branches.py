"""Named branch methods, dynamic_shapes by argument name with a Dim bounded below only (min=1), save via a file
object."""

# %%
import torch
from torch import nn


# %% [markdown]
# `torch.export.export(model, (example,))` captures a whole model as one graph, an `ExportedProgram`, for
# deployment: no Python needed to run it, no graph breaks allowed. A Python `if` on a tensor's value cannot be
# captured (export raises a data-dependent error, it does not guess); `torch.cond(pred, true_fn, false_fn,
# operands)` puts both branches in the graph and picks one at run time.
#
# 1. `CondGate`: `forward(x)` returns `x * 2` when `x.sum() > 0` and `x - 10` otherwise, written with
#    `torch.cond` so that it exports.
# 2. `export_model(model, example, dynamic_batch=False)` exports `model` for the single input `example`;
#    with `dynamic_batch=True` the first dimension of the input is dynamic (`torch.export.Dim`), so the exported
#    program accepts other batch sizes (without it, export specializes to the example's size).
# 3. `save_exported(ep, path)` / `load_exported(path)`: write an `ExportedProgram` to a file and read it back.

# %%
class CondGate(nn.Module):
    def forward(self, x):
        def double(t):
            return t * 2

        def shift(t):
            return t - 10

        return torch.cond(x.sum() > 0, double, shift, [x])


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        name = list(__import__('inspect').signature(model.forward).parameters)[0]
        shapes = {name: {0: torch.export.Dim('n', min=1)}}
    return torch.export.export(model, (example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    with open(path, 'wb') as f:
        torch.export.save(ep, f)


def load_exported(path):
    return torch.export.load(path)
