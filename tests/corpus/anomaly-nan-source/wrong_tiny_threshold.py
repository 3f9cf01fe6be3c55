"""Breaks: "and x / norm for the other rows, small norms included". Treats any row with squared norm under 1e-24
(norm under 1e-12) as a zero row: norm 0 and gradient 0 instead of x / norm."""
import re

import torch


def find_nan_backward(fn, *inputs):
    try:
        with torch.autograd.detect_anomaly():
            loss = fn(*inputs)
            loss.backward()
    except RuntimeError as e:
        m = re.search(r"Function '(\w+)' returned nan values", str(e))
        if m is None:
            raise
        return m.group(1)
    return None


def row_norms(x):
    sq = x.pow(2).sum(1)
    mask = sq > 1e-24
    safe = torch.where(mask, sq, torch.ones_like(sq))
    return torch.where(mask, safe.sqrt(), torch.zeros_like(sq))
