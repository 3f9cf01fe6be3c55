"""Violates "returns the tuple `(x + y, x * y)` for any tensors that broadcast": the forked sum is cast with .float(), the wrong dtype (and precision) for float64, integer and mixed inputs."""
import torch


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (x + y).float()


@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w


def fork_all(fns, x):
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(fut) for fut in futures]
