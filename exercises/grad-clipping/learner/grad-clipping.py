# %% [markdown]
# # Gradient clipping by total norm and by value, exactly as torch.nn.utils does it
#
# `grad-clipping` · code · easy · about 20 min
#
# Write `clip_grad_norm(parameters, max_norm, norm_type=2.0) -> Tensor` and `clip_grad_value(parameters, clip_value)`,
# behaving exactly like `torch.nn.utils.clip_grad_norm_` and `torch.nn.utils.clip_grad_value_`:
#
# * `clip_grad_norm` computes one total norm of order `norm_type` (1, 2, 3, ..., or `math.inf`: the largest |entry|)
#   over all the gradients together, scales every gradient in place by `min(1, max_norm / (total + 1e-6))`
#   (`max_norm = 0` included), and returns the total computed before clipping as a 0-d tensor of the gradients' dtype
#   (`torch.tensor(0.0)` when no parameter has a gradient).
# * `clip_grad_value` clamps every gradient entry in place to `[-clip_value, clip_value]` (`clip_value = 0` included)
#   and returns None.
#
# Both skip parameters whose `.grad` is None, modify `.grad` in place (the same tensor objects), and accept a single
# tensor or any iterable of tensors, a one-shot generator like `model.parameters()` included. Neither records a graph,
# also for gradients that carry one (after `backward(create_graph=True)`): the returned total does not require grad and
# the in-place changes stay out of the gradients' graphs. Results must equal torch's to 1e-10 in float64. `torch.nn.utils`' clipping functions are switched off.
#
# The sample answer names gradient clipping as a cure for exploding gradients but its demo never clips (it trains with Adam,
# which does not stop gradients from vanishing or exploding).
#
# Check your work: `prep check grad-clipping`. Stuck? `prep hint grad-clipping`.

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
    raise NotImplementedError("grad-clipping: your code here")


def clip_grad_value(parameters, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value] in place, as torch.nn.utils.clip_grad_value_ does."""
    raise NotImplementedError("grad-clipping: your code here")
