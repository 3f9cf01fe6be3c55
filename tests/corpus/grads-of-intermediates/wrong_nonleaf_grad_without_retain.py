"""Reads .grad of the intermediates after backward() without retain_grad(): non-leaf .grad is None, so it returns zeros."""

import torch

def grads_of(fn, *inputs):
    """The gradients of fn(*inputs).sum() with respect to each input, as a tuple: zeros (never None) for an
    input that does not contribute. Works whether or not the inputs require grad; leaves their .grad alone."""
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out = fn(*leaves).sum()
    if not out.requires_grad:
        return tuple(torch.zeros_like(x) for x in inputs)
    return torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out, named = fn(*leaves)
        total = out.sum()
    total.backward()
    return {k: t.grad if t.grad is not None else torch.zeros_like(t) for k, t in named.items()}
