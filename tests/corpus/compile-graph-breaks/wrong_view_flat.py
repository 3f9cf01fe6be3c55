"""Violates "for every float tensor `x` of any shape": flattens with y.view(-1), and y = x * 2 + 1 keeps x's strides, so a transposed or strided (non-contiguous) x raises, eagerly and under torch.compile."""
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
    y = torch.where(y.view(-1).sum() > 0, y.sin(), y.cos())
    return y * y.view(-1).abs().max()
