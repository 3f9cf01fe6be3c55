"""Breaks "the L2 norm of each row ... 0 for an all-zero row": clamps the squared norm at 1e-30 (a tiny eps), so a zero row's norm is 1e-15 instead of 0 (its gradient is 0 through the clamp, and rows of ordinary size are exact)."""
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
    return x.pow(2).sum(1).clamp_min(1e-30).sqrt()
