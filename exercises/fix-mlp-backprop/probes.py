"""Trusted helpers for fix-mlp-backprop, run in the worker: call the learner's backprop under torch.no_grad().

They only drive the learner's function and hand back what it returned, plus the inputs as they are
after the call, values and .grad (the judge compares them with what it sent). Every reference is computed in the judge.
"""

import torch
from grader import drive

NAMES = ("x", "W1", "b1", "W2", "b2", "t")


def _layout(a, layout):
    """The same values in another memory layout: transposed matrices, every-other-element slices, or
    (for x and t, whose rows the grader makes equal) one row expanded to N rows."""
    if layout == "transposed" and a.dim() == 2:
        return a.T.contiguous().T
    if layout == "strided":
        return torch.stack([a, a], dim=-1)[..., 0]
    return a


def run(mod, x, W1, b1, W2, b2, t, layout="contiguous"):
    """The learner's (loss, grads) for these inputs, called under torch.no_grad(), and the inputs afterwards
    (their values, and their .grad attributes as they are after the call)."""
    args = [_layout(a, layout) for a in (x, W1, b1, W2, b2, t)]
    if layout == "expanded":
        args[0] = x[:1].expand(x.shape[0], x.shape[1])
        args[5] = t[:1].expand(t.shape[0], t.shape[1])
    with drive.grad_mode(False):
        result = mod.mlp_forward_backward(*args)
    return {"result": result, "inputs_after": list(args), "grads_after": [a.grad for a in args]}
