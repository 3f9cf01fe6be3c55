"""my_function returns a list [x + y, x * y] instead of the tuple."""
import torch
from typing import List


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@torch.jit.script
def my_function(x, y) -> List[torch.Tensor]:
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    return [torch.jit.wait(fut), w]


def fork_all(fns, x):
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
