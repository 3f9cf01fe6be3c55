"""scale_grad_to_inputs multiplies by torch.tensor(factor), a float32 0-d tensor: for a float64 module a factor like
0.1 scales by 0.10000000149..., not by factor."""

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
    ### BEGIN SOLUTION
    log = {name: [] for name, p in model.named_parameters() if p.requires_grad}
    handles = []
    for name, p in model.named_parameters():
        if p.requires_grad:
            handles.append(p.register_hook(lambda g, name=name: log[name].append(float(g.norm()))))
    return log, handles
    ### END SOLUTION


def clamp_grad(t, bound):
    """Make every gradient that flows back through tensor t clamped to [-bound, bound]; return the hook handle."""
    ### BEGIN SOLUTION
    return t.register_hook(lambda g: g.clamp(-bound, bound))
    ### END SOLUTION


def scale_grad_to_inputs(module, factor):
    """Multiply the gradient that module passes back to its inputs by factor (its own parameters' gradients are
    unchanged); return the hook handle."""
    ### BEGIN SOLUTION
    def hook(mod, grad_input, grad_output):
        return tuple(None if g is None else g * torch.tensor(factor) for g in grad_input)

    return module.register_full_backward_hook(hook)
    ### END SOLUTION
