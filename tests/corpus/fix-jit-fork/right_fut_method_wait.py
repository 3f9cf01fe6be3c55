"""Forks with torch.jit._fork (the function torch.jit.fork is), waits with each Future's .wait() method."""
import torch
import torch.jit as tj


def add_task(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


@tj.script
def my_function(x: torch.Tensor, y: torch.Tensor):
    f = tj.fork(add_task, x, y)
    m = torch.mul(x, y)
    s = tj.wait(f)
    return (s, m)


def fork_all(fns, x):
    futures = {}
    for i, fn in enumerate(fns):
        futures[i] = tj._fork(fn, x)
    return [futures[i].wait() for i in range(len(fns))]
