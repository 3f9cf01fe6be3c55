"""Angle 1 (state): memoises the answer by id(fn) ('same loss function, same culprit'); the same fn on inputs without a zero row returns the first call's node name.
"""
import re

import torch


_SEEN = {}


def find_nan_backward(fn, *inputs):
    if id(fn) in _SEEN:
        return _SEEN[id(fn)]
    with torch.autograd.detect_anomaly():
        loss = fn(*inputs)
        try:
            loss.backward()
        except RuntimeError as err:
            match = re.search(r"Function '(\w+)' returned nan values", str(err))
            if match is None:
                raise
            _SEEN[id(fn)] = match.group(1)
            return match.group(1)
    return None


def row_norms(x):
    if x.shape[1] == 0:
        return x.sum(1)
    m = x.detach().abs().amax(dim=1)
    m = torch.where(m > 0, m, torch.ones_like(m))
    y = x / m[:, None]
    s = (y * y).sum(1)
    pos = s > 0
    safe = torch.where(pos, s, torch.ones_like(s))
    return torch.where(pos, safe.sqrt(), torch.zeros_like(s)) * m
