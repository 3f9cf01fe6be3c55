"""VIOLATES "return the class name of the backward node that anomaly mode reports as returning NaN ... a backward error that is not anomaly mode's NaN report propagates": the regex only looks for a leading "Function <name>", so autograd's other node error "Function GBackward returned an invalid gradient at index 0 - got [5] but expected shape ..." (a custom backward returning a wrongly shaped gradient) is swallowed and "GBackward" returned instead of propagating."""
import re

import torch


def find_nan_backward(fn, *inputs):
    with torch.autograd.detect_anomaly():
        loss = fn(*inputs)
        try:
            loss.backward()
        except RuntimeError as e:
            m = re.match(r"Function '?(\w+)'?", str(e))
            if m:
                return m.group(1)
            raise
    return None


class _RowNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        n = torch.linalg.vector_norm(x, dim=1)
        ctx.save_for_backward(x, n)
        return n

    @staticmethod
    def backward(ctx, g):
        x, n = ctx.saved_tensors
        safe = torch.where(n > 0, n, torch.ones_like(n))
        unit = torch.where((n > 0).unsqueeze(1), x / safe.unsqueeze(1), torch.zeros_like(x))
        return g.unsqueeze(1) * unit


def row_norms(x):
    return _RowNorm.apply(x)
