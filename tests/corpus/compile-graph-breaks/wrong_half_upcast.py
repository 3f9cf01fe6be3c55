"""VIOLATES "the same values as the given debug_step(x) ... for every float tensor x": float16 / bfloat16 inputs are computed in float32 'for accuracy' and cast back, so sin/cos and the product round once instead of per op: the values differ from debug_step's half-precision results in the last bits (and the branch choice may differ when the half-precision y.sum() rounds across 0)."""

import torch
import torch._dynamo as dyn


def count_graph_breaks(fn, *args):
    dyn.reset()
    report = dyn.explain(fn)(*args)
    dyn.reset()
    return int(report.graph_break_count)


def compile_friendly(x):
    dt = x.dtype
    if dt in (torch.float16, torch.bfloat16):
        x = x.float()
    y = x * 2 + 1
    z = torch.where(y.sum() > 0, y.sin(), y.cos())
    return (z * z.abs().max()).to(dt)
