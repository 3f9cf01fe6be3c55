"""Violates "the same values as the given `debug_step(x)`" (a function of x that, like debug_step, leaves x alone): computes y = x.mul_(2).add_(1), which overwrites the caller's x with 2x + 1."""
import torch
import torch._dynamo as dyn


def debug_step(x):
    y = x * 2 + 1
    print("y mean", y.mean().item())
    if y.sum() > 0:
        y = y.sin()
    else:
        y = y.cos()
    return y * y.abs().max()


def count_graph_breaks(fn, *args):
    return dyn.explain(fn)(*args).graph_break_count


def compile_friendly(x):
    y = x.mul_(2).add_(1)
    y = torch.where(y.sum() > 0, y.sin(), y.cos())
    return y * y.abs().max()
