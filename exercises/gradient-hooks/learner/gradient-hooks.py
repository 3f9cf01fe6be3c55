# %% [markdown]
# # Gradient hooks: log per-backward gradient norms, clamp a gradient in flight, scale what a module passes back
#
# `gradient-hooks` · code · medium · about 25 min
#
# Write three functions with hooks:
#
# * `log_grad_norms(model) -> (log, handles)`: `log` is a dict from each parameter name (as in `named_parameters()`,
#   parameters with `requires_grad=False` left out) to a list; every backward through the model appends, for each
#   parameter, the 2-norm (a Python float) of the gradient that backward computed for it, not of the accumulated `.grad`
#   (the graders call backward three times without zero_grad). `handles` is the list of hook handles: removing them all
#   stops the logging. Each call returns a new log: called twice on one model, each log gets one entry per backward
#   while its own hooks are in place.
# * `clamp_grad(t, bound)`: register a hook so that every gradient flowing back through tensor `t` (the sum of what
#   reaches `t` from all its uses) is clamped to `[-bound, bound]` before it continues to whatever `t` was computed
#   from, in every backward, `bound = 0` included; return the handle: removing it stops the clamping. The hook returns
#   a new tensor: the gradient it receives may be the caller's own (`t.backward(g)`), which must keep its values.
# * `scale_grad_to_inputs(module, factor)`: register a module backward hook that multiplies the gradient the module
#   passes back to each of its inputs by `factor` (0 and negative factors included), once per backward; an input that
#   needs no gradient has a None entry in `grad_input`, which stays None. The module's own parameters' gradients are
#   unchanged. Return the handle: removing it stops the scaling.
#
# The sample answer's idea of a numerical check is to print gradients; hooks do it during backward, for every parameter.
#
# Check your work: `prep check gradient-hooks`. Stuck? `prep hint gradient-hooks`.

# %%
import torch

# %% [markdown]
# Hooks let you watch or change gradients while backward runs, without touching the model:
#
# * `t.register_hook(fn)` on a tensor: `fn(grad)` is called with the gradient computed for `t`
#   in *this* backward; returning a tensor replaces it, and for an intermediate tensor the
#   replacement is what flows further back. On a leaf (a parameter) it runs before the
#   gradient is added into `.grad`, so it sees this backward's gradient, not the accumulated one.
#   A hook should not modify its argument in place: for `t.backward(g)` it receives the caller's `g`.
# * `module.register_full_backward_hook(fn)`: `fn(module, grad_input, grad_output)` after the
#   module's backward; returning a new `grad_input` changes what flows to the module's
#   *inputs*, not its own parameters' gradients. An input that needs no gradient has a `None` entry.
#
# Every `register_*` returns a handle; `handle.remove()` takes the hook away again. A tensor
# that does not require grad cannot take a hook.

# %%
def log_grad_norms(model):
    """Log, for every parameter that requires grad, the norm of the gradient each backward computes for it.

    Returns (log, handles): log maps each parameter name to a list of floats, one per backward; handles
    holds the hook handles (removing them all stops the logging).
    """
    raise NotImplementedError("gradient-hooks: your code here")


def clamp_grad(t, bound):
    """Make every gradient that flows back through tensor t clamped to [-bound, bound]; return the hook handle."""
    raise NotImplementedError("gradient-hooks: your code here")


def scale_grad_to_inputs(module, factor):
    """Multiply the gradient that module passes back to its inputs by factor (its own parameters' gradients are
    unchanged); return the hook handle."""
    raise NotImplementedError("gradient-hooks: your code here")
