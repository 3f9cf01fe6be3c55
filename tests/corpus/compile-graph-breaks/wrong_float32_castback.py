"""Violates "the same values as the given `debug_step(x)` ... for every float tensor `x`": computes in float32 and casts the result back to x's dtype, so float64 inputs lose precision (about 1e-7 relative), and a float64 x = -0.5 + 1e-12 (y sums to a tiny positive value: sin) rounds to y = 0 in float32 (cos)."""
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
    y = x.float() * 2 + 1
    y = torch.where(y.sum() > 0, y.sin(), y.cos())
    return (y * y.abs().max()).to(x.dtype)
