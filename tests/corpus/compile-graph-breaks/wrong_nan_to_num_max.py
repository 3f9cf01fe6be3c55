"""Violates "the same values as the given `debug_step(x)` ... for every float tensor `x`": scales by torch.nan_to_num(y).abs().max(), so for an x holding inf or NaN (debug_step: NaN everywhere, since sin/cos of inf is NaN and max propagates NaN) it gives finite values away from the bad element."""
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
    y = torch.where(y.sum() > 0, y.sin(), y.cos())
    return y * torch.nan_to_num(y).abs().max()
