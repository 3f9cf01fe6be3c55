"""Reference solution for trace-vs-script (seeds 000-27, 001-35, 001-32, 004-17). STUB regions hold the seed's code."""

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
# * `save_static(module, path)` writes the captured module to the file `path`, and `load_static(path)` reads that
#   file back (the loaded module needs no Python class definition);
# * `branch_free(x)` computes `Gate()(x)` for any shape (0-d and empty included) without Python control flow, so
#   that even `torch.jit.trace` of it is correct for both signs.
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
    ### BEGIN SOLUTION
    # script compiles the Python source, if included; trace would record one branch only
    return torch.jit.script(model)
    ### END SOLUTION
    ### BEGIN STUB
    # z = model(example)
    # static_graph = torch.jit.trace(z)
    # return static_graph
    ### END STUB


def save_static(module, path):
    ### BEGIN SOLUTION
    torch.jit.save(module, path)
    ### END SOLUTION
    ### BEGIN STUB
    # torch.save(module.state_dict(), path)
    ### END STUB


def load_static(path):
    ### BEGIN SOLUTION
    return torch.jit.load(path)
    ### END SOLUTION
    ### BEGIN STUB
    # return torch.load(path)
    ### END STUB


def branch_free(x):
    ### BEGIN SOLUTION
    return torch.where(x.sum() > 0, x * 2, x - 10)
    ### END SOLUTION
