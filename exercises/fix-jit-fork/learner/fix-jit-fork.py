# %% [markdown]
# # Fix the sample answer's torch.jit.fork: a Future, not a context manager (and not graph branches)
#
# `fix-jit-fork` · fix-bug · easy · about 15 min
#
# The stub is the sample answer's code, which does not compile. Fix it:
#
# * `my_function(x, y)`: a TorchScript function (`torch.jit.ScriptFunction`, made with `@torch.jit.script`) that returns
#   the tuple `(x + y, x * y)` for any tensors that broadcast, computing `x + y` in a task started with `torch.jit.fork`
#   and collected with `torch.jit.wait`: in its graph, the first output is the value an `aten::wait` takes from a
#   `prim::fork`;
# * `fork_all(fns, x) -> list`: from eager Python, start `fn(x)` with `torch.jit.fork` for every function in `fns`, then
#   wait for each, and return the results in the order of `fns`. Called eagerly, fork runs each function at once, so
#   what shows the forks is a trace: `torch.jit.trace` of a call records one `prim::fork` per function, all of them
#   before the first `aten::wait`.
#
# Check your work: `prep check fix-jit-fork`. Stuck? `prep hint fix-jit-fork`.

# %%
import torch

# %% [markdown]
# The seed says `torch.jit.fork` "creates branch nodes in the dynamic graph" and uses it as a context manager,
# `with torch.jit.fork():`, inside a scripted function: TorchScript rejects it (`RuntimeError: Expected at least one
# argument to fork()`). The real API is `fut = torch.jit.fork(fn, *args)`, which starts `fn(*args)` as an
# asynchronous task and returns a `torch.jit.Future`, and `torch.jit.wait(fut)`, which returns its value. Inside
# TorchScript the tasks can run in parallel on the inter-op thread pool; called from eager Python, fork runs `fn`
# right away (no parallelism). TorchScript itself is deprecated in torch 2.x.
#
# 1. `my_function(x, y)`: a TorchScript function (decorate it with `@torch.jit.script`) returning the tuple
#    `(x + y, x * y)` (any tensors that broadcast), where `x + y` runs in a forked task: in its graph, the first output
#    is the value an `aten::wait` takes from a `prim::fork`.
# 2. `fork_all(fns, x)`: from eager Python, fork `fn(x)` for every function in the list, then wait for all of them,
#    and return the list of results in order. Eagerly, fork runs each function at once; the graders trace a call with
#    `torch.jit.trace`, which records one `prim::fork` per function, all before the first `aten::wait`.

# %%
def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


# The seed decorates this with @torch.jit.script, which rejects the body at import time;
# it is left off here so that the file loads. Fix the body, then script it.
def my_function(x, y):
    with torch.jit.fork():
        z = x + y
        w = x * y
    return z, w


def fork_all(fns, x):
    raise NotImplementedError("fix-jit-fork: your code here")
