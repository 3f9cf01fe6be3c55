"""Violates "one per input with its shape and dtype": an empty input short-circuits to torch.zeros(x.shape), the
default dtype (float32) for a float64 input (red team h2, round 18)."""

# %%
import torch


# %% [markdown]
# A **leaf** is a tensor that no recorded operation produced: a tensor you created, a
# parameter, or anything with `requires_grad=False`; its `grad_fn` is None. Backward ends
# at the leaves that require grad and stores their gradients in `.grad`. Every other tensor
# is an intermediate (non-leaf): its `.grad` stays None after `backward()` (with a warning)
# unless you call `t.retain_grad()` first, or register a hook, or ask
# `torch.autograd.grad` for it directly. (The seed says leaves are nodes "without children,
# usually inputs or outputs": outputs are not leaves.)
#
# Two more facts. `add(x, y) - sub(x, y)` is `2 * y`: x's gradient is a tensor of zeros,
# not None. An input the function never uses gets None from `autograd.grad` unless you
# pass `materialize_grads=True` (or replace it yourself).

# %%
def grads_of(fn, *inputs):
    """The gradients of fn(*inputs).sum() with respect to each input, as a tuple: zeros (never None) for an
    input that does not contribute. Works whether or not the inputs require grad; leaves their .grad alone."""
    ### BEGIN SOLUTION
    if any(x.numel() == 0 for x in inputs):
        return tuple(torch.zeros(x.shape) for x in inputs)
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        out = fn(*leaves).sum()
    if not out.requires_grad:
        return tuple(torch.zeros_like(x) for x in inputs)
    return torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)
    ### END SOLUTION


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    ### BEGIN SOLUTION
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
    ### END SOLUTION
