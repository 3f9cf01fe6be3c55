"""backward() on the caller's inputs, then .grad = None to clean up: right values and no accumulation, but a gradient
the caller had left in .grad is erased, and requires_grad is switched on for inputs that did not have it."""
import torch


def grads_of(fn, *inputs):
    for x in inputs:
        x.requires_grad_(True)
        x.grad = None
    out = fn(*inputs).sum()
    if out.requires_grad:
        out.backward()
    result = tuple(torch.zeros_like(x) if x.grad is None else x.grad.clone() for x in inputs)
    for x in inputs:
        x.grad = None
    return result


def intermediate_grads(fn, *inputs):
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
