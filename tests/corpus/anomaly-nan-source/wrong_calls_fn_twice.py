"""VIOLATES "call fn(*inputs) (a scalar loss) and back-propagate it under detect_anomaly()": first calls fn once outside anomaly mode as a cheap 'does it even need the debugger' probe (backward, look for NaN in .grad), then calls it again under anomaly mode: fn runs twice (side effects, RNG and .grad accumulated twice into the inputs)."""

import re as _re
import torch
from torch import autograd as ag

_PAT = _re.compile(r"Function '(\w+)' returned nan values in its (\d+)(?:st|nd|rd|th) output")


def find_nan_backward(fn, *inputs):
    loss = fn(*inputs)
    loss.backward()
    with ag.detect_anomaly():
        loss = fn(*inputs)
        try:
            loss.backward()
        except RuntimeError as err:
            m = _PAT.search(str(err))
            if m is None:
                raise
            return m.group(1)
    return None

def row_norms(x):
    a = x.abs().amax(dim=1, keepdim=True) if x.shape[1] > 0 else x.new_zeros(x.shape[0], 1)
    safe = torch.where(a > 0, a, torch.ones_like(a))
    y = x / safe
    s = (y * y).sum(dim=1)
    nz = s > 0
    s_safe = torch.where(nz, s, torch.ones_like(s))
    return torch.where(nz, s_safe.sqrt() * safe.squeeze(1), torch.zeros_like(s))

