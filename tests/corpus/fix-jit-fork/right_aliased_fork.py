"""Imports fork and wait under their own names (from torch.jit import fork, wait) and uses them everywhere."""
import torch
from torch.jit import fork, wait


def _plus(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.add(a, b)


@torch.jit.script
def my_function(x, y):
    task = fork(_plus, x, y)
    product = x * y
    return wait(task), product


def fork_all(fns, x):
    started = [fork(fn, x) for fn in fns]
    return [wait(f) for f in started]
