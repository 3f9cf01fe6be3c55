"""Violates "the number of graph breaks `torch.compile` makes when it runs `fn(*args)`, as `torch._dynamo.explain` counts them": returns len(break_reasons), which also counts a break whose resumed tail holds no op (a print() then return y), where explain counts graph_count - 1."""
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
    return len(torch._dynamo.explain(fn)(*args).break_reasons)


def compile_friendly(x):
    y = x * 2 + 1
    y = torch.where(y.sum() > 0, y.sin(), y.cos())
    return y * y.abs().max()

