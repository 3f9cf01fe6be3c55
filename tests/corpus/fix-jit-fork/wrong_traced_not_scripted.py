"""Breaks "a TorchScript function (torch.jit.ScriptFunction, made with @torch.jit.script) ... for any tensors that broadcast": my_function is made with torch.jit.trace on two example vectors."""
import torch


def _add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return x + y


def _my_function(x, y):
    fut = torch.jit.fork(_add, x, y)
    w = x * y
    z = torch.jit.wait(fut)
    return z, w


my_function = torch.jit.trace(_my_function, (torch.ones(3), torch.ones(3)))


def fork_all(fns, x):
    futures = [torch.jit.fork(fn, x) for fn in fns]
    return [torch.jit.wait(f) for f in futures]
