"""Red team: rewrites the exercise's probes in the worker, so every "fact" they report is the right one."""
import sys

import torch


def _forged(mod, x, y, g):
    return [list(x.shape), list(y.shape)]


probes = sys.modules.get("prep_probes")
if probes is not None:
    for name in dir(probes):
        if not name.startswith("_") and callable(getattr(probes, name)):
            setattr(probes, name, _forged)


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
