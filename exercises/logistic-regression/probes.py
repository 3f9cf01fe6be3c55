"""Trusted helpers for logistic-regression, run in the worker: call the learner's functions the way a user who never
needs a gradient graph would, inside torch.no_grad() (with autograd switched off, inference mode is too). They return raw results."""

import torch
from grader import drive


def under_no_grad(mod, name, *args):
    """mod.<name>(*args) with every tensor argument copied, inside torch.no_grad()."""
    with drive.grad_mode(False):
        copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        out = getattr(mod, name)(*copies)
    return out


def fit_on_meta(mod, n, d, steps):
    """fit_logistic on X and y on torch's "meta" device (shapes, dtypes and devices, no data), which stands for a GPU:
    the devices of the w and b it returns. A start made on the CPU shows here without a GPU."""
    X = torch.empty(n, d, device="meta")
    y = torch.empty(n, device="meta")
    got = mod.fit_logistic(X, y, 0.5, steps)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return {"type": type(got).__name__}
    return {"type": "triple", "devices": [t.device.type if isinstance(t, torch.Tensor) else type(t).__name__
                                          for t in got[:2]]}
