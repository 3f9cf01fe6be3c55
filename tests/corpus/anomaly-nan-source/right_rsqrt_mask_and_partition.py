"""A correct solution written differently: set_detect_anomaly(True) used as a context manager (it restores the old
mode), the name cut out with str.partition; norms as sq * rsqrt(sq) with the zero rows routed around both passes."""

import torch


def find_nan_backward(fn, *inputs):
    try:
        with torch.autograd.set_detect_anomaly(True):
            loss = fn(*inputs)
            loss.backward()
    except RuntimeError as err:
        message = str(err)
        marker = "' returned nan values"
        if marker not in message or "Function '" not in message:
            raise
        return message.partition("Function '")[2].partition(marker)[0]
    return None


def row_norms(x):
    squares = (x * x).sum(dim=-1)
    zero = squares == 0
    safe = squares.masked_fill(zero, 1.0)
    return (safe * torch.rsqrt(safe)).masked_fill(zero, 0.0)
