"""Right: replaces zero rows by rows of ones before linalg.vector_norm, then multiplies by a 0/1 float mask; the
anomaly search uses torch.autograd.grad on the loss with respect to the graph's leaves via backward of loss * 1."""
import re

import torch


def find_nan_backward(fn, *inputs):
    with torch.autograd.detect_anomaly():
        loss = fn(*inputs)
        try:
            (loss * 1).backward()
        except RuntimeError as e:
            text = str(e)
            if "returned nan values" not in text:
                raise
            return re.search(r"Function '([A-Za-z0-9_]+)'", text).group(1)
    return None


def row_norms(x):
    nonzero = (x.pow(2).sum(1) > 0)
    filled = torch.where(nonzero[:, None], x, torch.ones_like(x))
    return torch.linalg.vector_norm(filled, dim=1) * nonzero.to(x.dtype)
