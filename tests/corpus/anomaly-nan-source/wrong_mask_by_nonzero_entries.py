"""Breaks: "whose gradient is finite everywhere". Masks rows by "has a nonzero entry" rather than by the squared
norm: a row of tiny nonzero values whose squares underflow to 0 takes sqrt(0), whose gradient is inf -> NaN."""
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
    mask = (x != 0).any(1)
    sq = x.pow(2).sum(1)
    safe = torch.where(mask, sq, torch.ones_like(sq))
    return torch.where(mask, safe.sqrt(), torch.zeros_like(sq))
