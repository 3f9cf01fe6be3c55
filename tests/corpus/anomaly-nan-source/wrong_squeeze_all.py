"""Breaks: "the L2 norm of each row, of shape (N,)". Uses keepdim and then .squeeze() with no dim, so a 1-row input
gives a 0-d tensor instead of shape (1,)."""
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
    sq = x.pow(2).sum(1, keepdim=True)
    mask = sq > 0
    safe = torch.where(mask, sq, torch.ones_like(sq))
    return torch.where(mask, safe.sqrt(), torch.zeros_like(sq)).squeeze()
