"""Violates "the same values as the given `debug_step(x)` ... for every float tensor `x`": picks the branch on y.double().sum(); for a float32 x whose float32 y.sum() rounds to 0 while its exact sum is positive (large values +-2e8 absorb the small ones), debug_step takes cos and this takes sin."""
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
    y = x * 2 + 1
    y = torch.where(y.double().sum() > 0, y.sin(), y.cos())
    return y * y.abs().max()
