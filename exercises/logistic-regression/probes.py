"""Trusted helpers for logistic-regression, run in the worker: call the learner's functions the way a user who never
needs a gradient graph would, inside torch.no_grad() (with autograd switched off, inference mode is too). They return raw results."""

import torch


def under_no_grad(mod, name, *args):
    """mod.<name>(*args) with every tensor argument copied, inside torch.no_grad()."""
    with torch.no_grad():
        copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        out = getattr(mod, name)(*copies)
    return out
