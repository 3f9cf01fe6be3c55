# %% [markdown]
# # A learning rate that follows the loss: ReduceLROnPlateau from scratch (the seed's answer ignores the loss)
#
# `plateau-lr` · code · medium · about 30 min
#
# Write `class PlateauLR` with
# `__init__(optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0,
# min_lr=0.0, eps=1e-8)`, `step(metric)` (a float or a 0-d tensor) and `get_last_lr()` (the list of the param groups'
# lrs, as floats). It must behave exactly like `torch.optim.lr_scheduler.ReduceLROnPlateau`: after every step, every
# group's lr must equal torch's (relative 1e-12) on any metric sequence.
#
# * Improvement: mode "min" with "rel": `metric < best * (1 - threshold)`; "min"/"abs": `metric < best - threshold`;
#   "max"/"rel": `metric > best * (1 + threshold)`; "max"/"abs": `metric > best + threshold`. best starts at +inf
#   ("min") or -inf ("max"). An improvement resets the count of bad epochs, anything else adds one.
# * While in cooldown (counter > 0), each step decrements the counter and resets the bad count.
# * When bad epochs > patience: each group's lr becomes `max(lr * factor, min_lr_i)`, but only if it changes by more
#   than eps; then the cooldown counter is set to `cooldown` and the bad count to 0.
# * `min_lr` is a float or a list with one value per group. `ValueError` for factor >= 1, an unknown mode or
#   threshold_mode, or a min_lr list whose length differs from the number of groups.
#
# `ReduceLROnPlateau` is off limits. The seed's answer to "adjust the learning rate according to the loss" never
# reads the loss: it is a fixed exponential decay (gamma 0.1 per epoch, so lr = 1e-9 by epoch 6) that also overwrites
# every param group with the same lr.
#
# Check your work: `prep check plateau-lr`. Stuck? `prep hint plateau-lr`.

# %%
import torch

# %% [markdown]
# A scheduler driven by the loss: cut every group's lr by `factor` once the metric has
# not improved for more than `patience` steps. "Improved" means better than the best value
# so far by more than `threshold` (relative or absolute); after a cut, `cooldown` steps
# pass in which bad epochs are not counted.

# %%
class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        raise NotImplementedError("plateau-lr: your code here")

    def step(self, metric):
        raise NotImplementedError("plateau-lr: your code here")

    def get_last_lr(self):
        raise NotImplementedError("plateau-lr: your code here")
