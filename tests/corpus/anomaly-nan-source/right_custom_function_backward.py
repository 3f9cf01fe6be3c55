"""Right: a custom autograd Function whose forward is vector_norm and whose backward is x / norm, 0 where the norm is 0."""
import re
import warnings

import torch


def find_nan_backward(fn, *inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            loss = fn(*inputs)
            try:
                loss.backward()
            except RuntimeError as e:
                m = re.search(r"Function '(\w+)' returned nan values", str(e))
                if m is None:
                    raise
                return m.group(1)
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
        return torch.where((n > 0).unsqueeze(1), x / safe.unsqueeze(1), torch.zeros_like(x)) * g.unsqueeze(1)


def row_norms(x):
    return _RowNorm.apply(x)
