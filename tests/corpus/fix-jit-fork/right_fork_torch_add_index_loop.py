"""Right: forks torch.add itself inside the script; fork_all fills a list of futures by index and waits in a
second loop."""
import torch


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@torch.jit.script
def my_function(x, y):
    fut = torch.jit.fork(torch.add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w


def fork_all(fns, x):
    futures = [None] * len(fns)
    for i in range(len(fns)):
        futures[i] = torch.jit.fork(fns[i], x)
    results = []
    for i in range(len(futures)):
        results.append(torch.jit.wait(futures[i]))
    return results
