"""Breaks: "fork_all(fns, x) -> list ... return the results in the order of fns". For an empty fns it returns
None instead of an empty list."""
import torch


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w


def fork_all(fns, x):
    if len(fns) == 0:
        return None
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
