"""Decides the branch on a float32 copy of y (y.float().mean() > 0): a float64 x whose positive sum the float32 copy loses takes the cos branch instead of sin."""

# %%
import torch


# %% [markdown]
# The seeds' "future trend" of dynamic graphs is real, but they never name it: in PyTorch 2.x you keep writing
# eager code and `torch.compile` captures it into graphs (TorchDynamo) that a backend can optimize (fusion,
# less per-op overhead). Where Dynamo meets something it cannot put in a graph (a `print`, `.item()`, an
# `if` on a tensor's value) it does not fail: it ends the graph, runs that bit eagerly, and starts a new
# graph. That is a **graph break**, and each one costs optimization opportunities.
#
# 1. `count_graph_breaks(fn, *args)` returns how many graph breaks `torch.compile` makes when it runs
#    `fn(*args)` (a function of one or more tensors), as `torch._dynamo.explain(fn)(*args)` counts them.
# 2. `debug_step` below has three graph breaks. Write `compile_friendly(x)`, with the same values for
#    every float tensor `x` (of any shape, 0-d included), that `torch.compile` runs as one graph with no graph break
#    under default settings (leave the print out; `fullgraph=True` would capture an `.item()`, default settings break
#    on it).

# %%
def debug_step(x):
    y = x * 2 + 1
    print("y mean", y.mean().item())
    if y.sum() > 0:
        y = y.sin()
    else:
        y = y.cos()
    return y * y.abs().max()


# %%
def count_graph_breaks(fn, *args):
    ### BEGIN SOLUTION
    return torch._dynamo.explain(fn)(*args).graph_break_count
    ### END SOLUTION


def compile_friendly(x):
    ### BEGIN SOLUTION
    y = x * 2 + 1
    y = torch.where(y.float().mean() > 0, y.sin(), y.cos())
    return y * y.abs().max()
    ### END SOLUTION
