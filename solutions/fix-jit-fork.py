"""Reference solution for fix-jit-fork (seed 000-38). The STUB is the seed's code."""

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


### BEGIN SOLUTION
@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w
### END SOLUTION
### BEGIN STUB
# # The seed decorates this with @torch.jit.script, which rejects the body at import time;
# # it is left off here so that the file loads. Fix the body, then script it.
# def my_function(x, y):
#     with torch.jit.fork():
#         z = x + y
#         w = x * y
#     return z, w
### END STUB


def fork_all(fns, x):
    ### BEGIN SOLUTION
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
    ### END SOLUTION
