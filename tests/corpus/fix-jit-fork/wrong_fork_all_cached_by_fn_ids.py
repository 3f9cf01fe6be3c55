"""State across calls: results cached by the ids of the functions ("the same pipeline again"). First call right; a
second call with the same functions and another x returns the first results. Breaks "start fn(x) ... for every function".
"""
import torch

_CACHE = {}

def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w


def fork_all(fns, x):
    key = tuple(id(fn) for fn in fns) + (tuple(x.shape),)
    if key not in _CACHE:
        futures = [torch.jit.fork(fn, x) for fn in fns]
        _CACHE[key] = [torch.jit.wait(f) for f in futures]
    return list(_CACHE[key])
