"""Trusted helpers for custom-activations, run in the worker."""

import torch


def saved_by(mod, name, x):
    """Apply the learner's Function under saved_tensors_hooks: the output and every tensor it saved."""
    saved = []

    def pack(t):
        saved.append(t.detach().clone())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = getattr(mod, name).apply(x.detach().requires_grad_(True))
    return {"out": out, "saved": saved}


def layouts(mod, name, x):
    """Forward and backward on a transposed (non-contiguous) view of x: the output and the gradient."""
    leaf = x.detach().T.contiguous().requires_grad_(True)
    view = leaf.T  # non-contiguous, same values as x
    out = getattr(mod, name).apply(view)
    (g,) = torch.autograd.grad(out, leaf, torch.ones_like(out))
    return {"out": out, "grad": g.T, "was_contiguous": view.is_contiguous()}
