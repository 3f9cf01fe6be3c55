"""Returns (x * y, x + y): the pair in the wrong order."""

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
# 1. `my_function(x, y)`: a TorchScript function (decorate it with `@torch.jit.script`) returning `(x + y, x * y)`,
#    where `x + y` runs in a forked task (its graph shows `prim::fork` and `aten::wait`).
# 2. `fork_all(fns, x)`: from eager Python, fork `fn(x)` for every function in the list, then wait for all of them,
#    and return the list of results in order.

# %%
def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return w, z


def fork_all(fns, x):
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
