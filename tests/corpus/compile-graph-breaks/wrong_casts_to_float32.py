"""compile_friendly computes in float32 whatever the input dtype: float64 inputs come back as float32."""
import torch


def count_graph_breaks(fn, *args):
    return torch._dynamo.explain(fn)(*args).graph_break_count


def compile_friendly(x):
    y = x.float() * 2 + 1
    y = torch.where(y.sum() > 0, y.sin(), y.cos())
    return y * y.abs().max()
