"""Right: the forked function is a nested scripted helper; fork_all forks in a loop, waits in reverse order and writes each result into its own slot."""
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
    futures = []
    for fn in fns:
        futures.append(torch.jit.fork(fn, x))
    results = [None] * len(futures)
    for i in reversed(range(len(futures))):
        results[i] = torch.jit.wait(futures[i])
    return results
