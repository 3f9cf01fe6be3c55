"""Violates "start `fn(x)` with `torch.jit.fork` for every function in `fns`" (one `prim::fork` per function): a function listed twice in fns is forked and waited for only once, so a trace records fewer forks than functions."""
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
    started = {}
    for fn in fns:
        if fn not in started:
            started[fn] = torch.jit.fork(fn, x)
    done = {fn: torch.jit.wait(fut) for fn, fut in started.items()}
    return [done[fn] for fn in fns]
