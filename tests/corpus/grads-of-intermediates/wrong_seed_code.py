"""The seed's 003-31 recipe: output.backward() on the (non-scalar) output itself, then read each input's .grad."""

import torch

def grads_of(fn, *inputs):
    """The gradients of fn(*inputs).sum() with respect to each input, as a tuple: zeros (never None) for an
    input that does not contribute. Works whether or not the inputs require grad; leaves their .grad alone."""
    output = fn(*inputs)
    output.backward()
    return tuple(x.grad for x in inputs)


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out, named = fn(*leaves)
        total = out.sum()
    wanted = [k for k, t in named.items() if t.requires_grad]
    grads = {k: torch.zeros_like(t) for k, t in named.items()}
    if wanted and total.requires_grad:
        found = torch.autograd.grad(total, [named[k] for k in wanted], allow_unused=True, materialize_grads=True)
        grads.update(zip(wanted, found))
    return grads
