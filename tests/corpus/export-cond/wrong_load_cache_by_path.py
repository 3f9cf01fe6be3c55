"""Breaks: "`load_exported(path)` reads that file back as an `ExportedProgram`". Angle: P. How: caches programs by path, so a program saved again under the same path loads as the old one (and every loaded program stays alive)."""

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
#    `torch.cond` so that it exports (any shape, 0-d included; the exported graph keeps a `cond` node).
# 2. `export_model(model, example, dynamic_batch=False)` exports `model` for the single input `example`;
#    with `dynamic_batch=True` the first dimension of the input is dynamic (`torch.export.Dim`), so the exported
#    program accepts any batch size, 1 included (without it, export specializes to the example's size and the program
#    refuses other sizes). A model with a Python `if` on a value must make it raise torch.export's own error.
# 3. `save_exported(ep, path)` / `load_exported(path)`: write an `ExportedProgram` to the file `path` and read that
#    file back (a dynamic batch stays dynamic).

# %%
class CondGate(nn.Module):
    def forward(self, x):
        ### BEGIN SOLUTION
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: t - 10, (x,))
        ### END SOLUTION


def export_model(model, example, dynamic_batch=False):
    ### BEGIN SOLUTION
    shapes = None
    if dynamic_batch:
        shapes = ({0: torch.export.Dim("batch")},)
    return torch.export.export(model, (example,), dynamic_shapes=shapes)
    ### END SOLUTION


def save_exported(ep, path):
    ### BEGIN SOLUTION
    torch.export.save(ep, path)
    ### END SOLUTION


_CACHE = {}


def load_exported(path):
    ### BEGIN SOLUTION
    key = str(path)
    if key not in _CACHE:
        _CACHE[key] = torch.export.load(path)
    return _CACHE[key]
    ### END SOLUTION
