"""Trusted helpers for mlp-backprop-cross-entropy, run in the worker: call the learner's backprop without autograd."""

import torch


def run(mod, x, y, W1, b1, W2, b2):
    """The learner's (loss, grads) under torch.no_grad(), and whether it changed its inputs or built a graph."""
    args = [x, y, W1, b1, W2, b2]
    before = [a.clone() for a in args]
    with torch.no_grad():
        loss, grads = mod.tanh_mlp_ce_backward(*args)
    outs = [loss] + (list(grads.values()) if isinstance(grads, dict) else [])
    return {
        "loss": loss,
        "grads": grads,
        "inputs_changed": any(not torch.equal(a, b) for a, b in zip(args, before)),
        "requires_grad": any(isinstance(o, torch.Tensor) and o.requires_grad for o in outs),
    }
