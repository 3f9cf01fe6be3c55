"""fork_all forks fn(x.float()) for an integer x: the results are not fn(x) (float instead of int64 where fn keeps the
dtype)."""

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
    futures = [torch.jit.fork(fn, x if x.is_floating_point() else x.float()) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
