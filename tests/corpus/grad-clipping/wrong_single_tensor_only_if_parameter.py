"""Breaks: "accept a single tensor or any iterable of tensors". Angle: E. How: only an nn.Parameter is recognised as a single tensor; a plain tensor is iterated over its rows."""
"""Reference solution for grad-clipping (seeds 000-13, 000-21)."""

# %%
import math

import torch


# %% [markdown]
# The seed lists gradient clipping against exploding gradients but never uses it. Two kinds:
#
# * **by norm** (`torch.nn.utils.clip_grad_norm_`): one total norm over *all* gradients
#   together (the norm of the per-parameter norms); if it exceeds `max_norm`, every gradient
#   is scaled by the same factor, so the update keeps its direction. torch's factor is
#   `max_norm / (total_norm + 1e-6)`, capped at 1. It returns the total norm computed
#   *before* clipping (handy for logging).
# * **by value** (`clip_grad_value_`): each entry is clamped to `[-clip_value, clip_value]`,
#   which can change the direction.
#
# Both modify `.grad` in place and skip parameters whose `.grad` is None. `parameters` may be
# a single tensor or any iterable, a generator such as `model.parameters()` included: read it
# only once.

# %%
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    """Clip the gradients' total norm in place, as torch.nn.utils.clip_grad_norm_ does; return that norm (0-d)."""
    ### BEGIN SOLUTION
    if isinstance(parameters, torch.nn.Parameter):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        norms = [g.detach().abs().max() for g in grads]
        total = torch.stack(norms).max()
    else:
        norms = [torch.linalg.vector_norm(g.detach(), norm_type) for g in grads]
        total = torch.linalg.vector_norm(torch.stack(norms), norm_type)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.detach().mul_(coef.to(g.dtype))
    return total
    ### END SOLUTION


def clip_grad_value(parameters, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value] in place, as torch.nn.utils.clip_grad_value_ does."""
    ### BEGIN SOLUTION
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    for p in parameters:
        if p.grad is not None:
            p.grad.detach().clamp_(min=-clip_value, max=clip_value)
    ### END SOLUTION
