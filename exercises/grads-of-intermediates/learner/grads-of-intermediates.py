# %% [markdown]
# # Leaves, intermediates and zeros: gradients for every input and every named intermediate
#
# `grads-of-intermediates` · code · easy · about 20 min
#
# Write two functions.
#
# `grads_of(fn, *inputs) -> tuple[Tensor, ...]` returns a tuple with the gradient of `fn(*inputs).sum()` with respect
# to each input, one per input with its shape and dtype, for any number of inputs: zeros (never None) for an input that
# does not contribute (unused, used only through `.detach()`, or cancelled out as in the sample answer's `add(x, y) - sub(x, y)`,
# which is 2y), and zeros for all when the output does not depend on the inputs at all (a constant, or a tensor that
# requires grad only through a parameter `fn` closes over). It works whether all, some or none of the inputs require
# grad, and leaves the inputs as they were: their values, their `requires_grad`, and their `.grad` (None, or whatever
# gradient the caller had left there).
#
# `intermediate_grads(fn, *inputs) -> dict[str, Tensor]`: here `fn(*inputs)` returns `(out, named)`, where `named` is a
# dict of tensors computed inside `fn` (non-leaf intermediates, possibly `out` itself; `out` need not be a scalar).
# Return a dict with exactly the same names, each mapped to the gradient of `out.sum()` with respect to that tensor:
# zeros for one the output does not depend on. Leave the inputs as they were, as above.
#
# Note that after `backward()` an intermediate's `.grad` is None unless `retain_grad()` was called on it: only leaves
# keep gradients. The sample answer calls outputs leaves; they are not.
#
# Check your work: `prep check grads-of-intermediates`. Stuck? `prep hint grads-of-intermediates`.

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
    raise NotImplementedError("grads-of-intermediates: your code here")


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    raise NotImplementedError("grads-of-intermediates: your code here")
