"""Angle: the other route: a custom autograd.Function whose backward is grad * x / norm with 0 where the norm is 0 (computed from a scaled forward), and find_nan_backward with set_detect_anomaly(True) / finally set_detect_anomaly(False) instead of the context manager.
"""
import re

import torch


def find_nan_backward(fn, *inputs):
    torch.autograd.set_detect_anomaly(True)
    try:
        loss = fn(*inputs)
        try:
            loss.backward()
        except RuntimeError as err:
            found = re.findall(r"Function '([A-Za-z0-9_]+)' returned nan values in its", str(err))
            if not found:
                raise
            return found[0]
        return None
    finally:
        torch.autograd.set_detect_anomaly(False)


class _RowNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        if x.shape[1] == 0:
            n = x.new_zeros(x.shape[0])
        else:
            m = x.abs().amax(dim=1)
            m = torch.where(m > 0, m, torch.ones_like(m))
            n = torch.sqrt(((x / m[:, None]) ** 2).sum(1)) * m
        ctx.save_for_backward(x, n)
        return n

    @staticmethod
    def backward(ctx, g):
        x, n = ctx.saved_tensors
        safe = torch.where(n > 0, n, torch.ones_like(n))
        return torch.where((n > 0)[:, None], x / safe[:, None], torch.zeros_like(x)) * g[:, None]


def row_norms(x):
    return _RowNorm.apply(x)
