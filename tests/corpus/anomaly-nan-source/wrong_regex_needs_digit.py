"""VIOLATES "return the class name of the backward node that anomaly mode reports as returning NaN values": the regex demands a name ending in 'Backward' + digits (like SqrtBackward0), so a custom autograd.Function's node (named '<Class>Backward', no digit) is not recognised and its NaN report propagates as an error."""

import re as _re
import torch
from torch import autograd as ag

_PAT = _re.compile(r"Function '([A-Za-z_]\w*Backward\d+)' returned nan values")


def find_nan_backward(fn, *inputs):
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

