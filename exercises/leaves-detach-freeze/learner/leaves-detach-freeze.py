# %% [markdown]
# # Working with leaves: a straight-through estimator with detach, freezing a submodule, an in-place EMA
#
# `leaves-detach-freeze` · code · medium · about 25 min
#
# Write three functions:
#
# * `round_ste(x)`: `torch.round(x)` in the forward pass (halves to even, as torch.round does) with the identity's
#   gradient in the backward pass: a straight-through estimator, which `.detach()` makes. The output stays in the graph.
# * `freeze(model, module_name) -> list[str]`: set `requires_grad=False` on every parameter of the submodule called
#   `module_name` (a name from `model.named_modules()`, nested names such as "enc.0" included), and return a list of the
#   full names of the frozen parameters in `model.named_parameters()` order. Other parameters are untouched: freezing
#   "enc" must not freeze "encoder", freezing "1" must not freeze "11", and one frozen before the call stays frozen.
# * `ema_update(target, online, decay)`: an exponential moving average of two modules of the same architecture: every
#   parameter of `target` becomes `decay * target + (1 - decay) * online` (`decay` anywhere in [0, 1], both ends
#   included), every buffer of `target` (e.g. BatchNorm's running statistics) a copy of `online`'s, which does not follow
#   `online`'s later changes. It works when called with grad mode on, updates the same tensor objects in place, keeps
#   them leaves that require grad, records no graph, and leaves `online` unchanged.
#
# The sample answer calls outputs leaves and says nothing about what leaves are for; these are the places where it matters.
#
# Check your work: `prep check leaves-detach-freeze`. Stuck? `prep hint leaves-detach-freeze`.

# %%
import torch

# %% [markdown]
# Three everyday uses of leaves, `requires_grad` and `detach()`:
#
# * **Straight-through estimator.** `round` has a zero gradient almost everywhere, which stops
#   learning. `x + (round(x) - x).detach()` has round's *value* (the detached part is a
#   constant to autograd) and the identity's *gradient*.
# * **Freezing.** A parameter with `requires_grad=False` is a leaf that backward skips: its
#   `.grad` stays None and optimizers leave it alone. Freeze a submodule by its name, not by
#   a string prefix of parameter names (`"enc"` is a prefix of `"encoder.weight"` too).
# * **Updating leaves in place.** A parameter is a leaf that requires grad: an in-place update
#   such as an exponential moving average must run under `torch.no_grad()` (otherwise:
#   "a leaf Variable that requires grad is being used in an in-place operation"), and must
#   modify the tensors in place so that the module keeps the same parameters.

# %%
def round_ste(x):
    """torch.round(x) in the forward pass, the identity's gradient in the backward pass."""
    raise NotImplementedError("leaves-detach-freeze: your code here")


def freeze(model, module_name):
    """Set requires_grad=False on every parameter of the submodule called module_name (as in named_modules());
    return the full names (as in model.named_parameters()) of the parameters frozen, in that order."""
    raise NotImplementedError("leaves-detach-freeze: your code here")


def ema_update(target, online, decay):
    """In place and without recording a graph: every parameter of target becomes
    decay * itself + (1 - decay) * the matching parameter of online; every buffer of target becomes a copy of
    online's. target keeps the same tensor objects, and their requires_grad."""
    raise NotImplementedError("leaves-detach-freeze: your code here")
