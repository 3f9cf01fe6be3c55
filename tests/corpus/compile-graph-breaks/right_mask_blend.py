"""Counts from explain's graph_count - 1 (its graph_break_count; len(break_reasons) would also count a break with nothing
to compute after it); blends both branches with a 0/1 mask instead of torch.where."""

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
#    `fn(*args)`. `torch._dynamo.explain(fn)(*args)` reports it.
# 2. `debug_step` below has three graph breaks. Write `compile_friendly(x)`, with the same values for
#    every float tensor `x` (of any shape), that `torch.compile(compile_friendly, fullgraph=True)` accepts:
#    no graph break at all (leave the print out).

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
    return torch._dynamo.explain(fn)(*args).graph_count - 1


def compile_friendly(x):
    y = x * 2 + 1
    m = (y.sum() > 0).to(y.dtype)
    y = m * y.sin() + (1 - m) * y.cos()
    return y * y.abs().max()
