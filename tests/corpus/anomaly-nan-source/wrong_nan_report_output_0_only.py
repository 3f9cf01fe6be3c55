"""Violates "return the class name of the backward node that anomaly mode reports as returning NaN values": the regex
requires "in its 0th output", so a NaN reported in a node's later output ("in its 1th output") is not recognised and
the RuntimeError propagates."""
import contextlib
import re

import torch
from torch.linalg import vector_norm as vn

_NAN_REPORT = re.compile(r"^Function '(?P<node>[A-Za-z_0-9]+)' returned nan values in its 0th output")


def find_nan_backward(fn, *inputs):
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.autograd.detect_anomaly(check_nan=True))
        loss = fn(*inputs)
        try:
            torch.autograd.backward(loss)
        except RuntimeError as err:
            hit = _NAN_REPORT.search(err.args[0] if err.args else "")
            if hit is None:
                raise
            return hit["node"]
    return None


def row_norms(x):
    # torch's own norm backward masks the zero rows (grad = x / norm, 0 where norm == 0)
    return vn(x, ord=2, dim=1)
