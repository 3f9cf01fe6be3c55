"""branch_free uses >= 0: a sum of exactly 0 takes the wrong branch."""

# %%
import torch
from torch import nn


# %% [markdown]
# The seed converts a "dynamic graph" to a static one with `trace(z)`, where `z = (x + y).mean()` is a tensor
# that has already been computed: `torch.jit.trace` needs a function or module and example inputs, so the seed
# raises. And even `torch.jit.trace(model, example)` is a trap: tracing records the operations that ran for the
# example, so a data-dependent `if` is frozen to the branch the example took (at most a TracerWarning).
#
# `Gate` below is such a model. Fix the three functions:
#
# * `to_static(model, example)` returns a `torch.jit.ScriptModule` that is correct for every input,
#   whichever branch it takes;
# * `save_static(module, path)` / `load_static(path)` save the captured module to a file and load it back
#   (the loaded module needs no Python class definition);
# * `branch_free(x)` computes `Gate()(x)` without Python control flow, so that even `torch.jit.trace` of it
#   is correct for both signs.
#
# TorchScript is deprecated in torch 2.x (DeprecationWarning): see the exercises on `torch.compile` and
# `torch.export` for today's tools. It is still what many deployments run, and the trace pitfall is a classic.

# %%
class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


# %%
def to_static(model, example):
    # script compiles the Python source, if included; trace would record one branch only
    return torch.jit.script(model)


def save_static(module, path):
    torch.jit.save(module, path)


def load_static(path):
    return torch.jit.load(path)


def branch_free(x):
    return torch.where(x.sum() >= 0, x * 2, x - 10)
