"""Trusted helpers for fix-mlp-backprop, run in the worker: call the learner's backprop with autograd switched off."""

import torch

NAMES = ("x", "W1", "b1", "W2", "b2", "t")


def run(mod, x, W1, b1, W2, b2, t, noncontiguous=False):
    """The learner's (loss, grads) under torch.no_grad(), plus whether it touched its inputs or the graph.

    With noncontiguous=True the matrices are handed over as transposed views (same values, other strides).
    """
    args = [x, W1, b1, W2, b2, t]
    if noncontiguous:
        args = [a.T.contiguous().T if a.dim() == 2 else a for a in args]
    before = [a.clone() for a in args]
    with torch.no_grad():
        loss, grads = mod.mlp_forward_backward(*args)
    outs = [loss] + (list(grads.values()) if isinstance(grads, dict) else [])
    return {
        "loss": loss,
        "grads": grads,
        "inputs_changed": any(not torch.equal(a, b) for a, b in zip(args, before)),
        "requires_grad": any(isinstance(o, torch.Tensor) and o.requires_grad for o in outs),
    }
