"""Trusted helpers for logistic-regression, run in the worker: call the learner's functions the way a user who never
needs a gradient graph would, inside torch.inference_mode() on inference tensors. They return raw results."""

import torch


def under_inference_mode(mod, name, *args):
    """mod.<name>(*args) with every tensor argument copied into an inference tensor, inside inference_mode."""
    with torch.inference_mode():
        copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        out = getattr(mod, name)(*copies)
    return out
