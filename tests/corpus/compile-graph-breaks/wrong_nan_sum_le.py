"""Violates "the same values as the given `debug_step(x)` ... for every float tensor `x`": tests y.sum() <= 0 and swaps the branches, so a NaN sum (a finite float32 x = [1.5e38, -1.5e38] * 32, whose vectorised sum overflows to inf and -inf) takes sin, where debug_step (NaN > 0 is False) takes cos."""
import torch
import torch._dynamo


def debug_step(x):
    y = x * 2 + 1
    print("y mean", y.mean().item())
    if y.sum() > 0:
        y = y.sin()
    else:
        y = y.cos()
    return y * y.abs().max()



def count_graph_breaks(fn, *args):
    return int(torch._dynamo.explain(fn)(*args).graph_break_count)


def compile_friendly(x):
    y = x * 2 + 1
    y = torch.where(y.sum() <= 0, y.cos(), y.sin())
    return y * y.abs().max()

