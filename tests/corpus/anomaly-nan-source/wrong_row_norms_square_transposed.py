"""row_norms takes the norm of x.T when x is square (a layout slip that keeps the shape): column norms instead of row norms, seen only on a square input."""
import re
import warnings

import torch

_NAN = re.compile(r"Function '(\w+)' returned nan values")


def find_nan_backward(fn, *inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly(check_nan=True):
            loss = fn(*inputs)
            try:
                loss.backward()
            except RuntimeError as e:
                m = _NAN.search(str(e))
                if m is None:
                    raise
                return m.group(1)
    return None


def row_norms(x):
    return torch.linalg.vector_norm(x.T if x.shape[0] == x.shape[1] else x, ord=2, dim=1)
