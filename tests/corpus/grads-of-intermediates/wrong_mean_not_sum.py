"""Differentiates the mean of the output instead of its sum (gradients scaled by 1/numel)."""

import torch

def grads_of(fn, *inputs):
    """The gradients of fn(*inputs).sum() with respect to each input, as a tuple: zeros (never None) for an
    input that does not contribute. Works whether or not the inputs require grad; leaves their .grad alone."""
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out = fn(*leaves).mean()
    if not out.requires_grad:
        return tuple(torch.zeros_like(x) for x in inputs)
    return torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out, named = fn(*leaves)
        total = out.mean()
    wanted = [k for k, t in named.items() if t.requires_grad]
    grads = {k: torch.zeros_like(t) for k, t in named.items()}
    if wanted and total.requires_grad:
        found = torch.autograd.grad(total, [named[k] for k in wanted], allow_unused=True, materialize_grads=True)
        grads.update(zip(wanted, found))
    return grads
