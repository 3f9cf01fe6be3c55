"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: ema_update calls torch.set_grad_enabled(False) instead of a no_grad block and leaves grad mode off."""
"""Reference solution for leaves-detach-freeze (seed 000-24)."""

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
    ### BEGIN SOLUTION
    return x + (torch.round(x) - x).detach()
    ### END SOLUTION


def freeze(model, module_name):
    """Set requires_grad=False on every parameter of the submodule called module_name (as in named_modules());
    return the full names (as in model.named_parameters()) of the parameters frozen, in that order."""
    ### BEGIN SOLUTION
    sub = model.get_submodule(module_name)
    frozen = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in frozen:
            p.requires_grad_(False)
            names.append(name)
    return names
    ### END SOLUTION


def ema_update(target, online, decay):
    """In place and without recording a graph: every parameter of target becomes
    decay * itself + (1 - decay) * the matching parameter of online; every buffer of target becomes a copy of
    online's. target keeps the same tensor objects, and their requires_grad."""
    ### BEGIN SOLUTION
    torch.set_grad_enabled(False)
    for t, o in zip(target.parameters(), online.parameters()):
        t.mul_(decay).add_(o, alpha=1 - decay)
    for t, o in zip(target.buffers(), online.buffers()):
        t.copy_(o)
    ### END SOLUTION
