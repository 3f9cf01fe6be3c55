"""Right, an unusual counter: graph breaks = graphs - 1, read from explain's graph_count (explain defines
graph_break_count exactly so; a cache reset first). compile_friendly blends the two branches arithmetically with a 0/1
weight of y's dtype: w * sin + (1 - w) * cos picks one branch exactly whenever the other is finite, and when the
chosen branch is taken for an infinite or nan input, both branches are nan there anyway, so the values equal
debug_step's."""
import torch


def count_graph_breaks(fn, *args):
    torch._dynamo.reset()
    explanation = torch._dynamo.explain(fn)(*args)
    return int(explanation.graph_count) - 1


def compile_friendly(x):
    y = x * 2 + 1
    w = (y.sum() > 0).to(y.dtype)
    y = w * y.sin() + (1 - w) * y.cos()
    return y * y.abs().max()
