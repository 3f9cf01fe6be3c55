# %% [markdown]
# # Learning-rate schedules in closed form: step, exponential, cosine, warm-up then cosine
#
# `lr-schedules` · code · easy · about 25 min
#
# Write the schedules in closed form, as functions of t, the number of scheduler steps taken so far (t = 0 before the
# first step). Each returns a Python float equal (relative 1e-12) to the lr the torch scheduler gives at t:
#
# * `step_lr(t, base_lr, step_size, gamma=0.1)`: `StepLR`
# * `exponential_lr(t, base_lr, gamma)`: `ExponentialLR`
# * `cosine_lr(t, base_lr, T_max, eta_min=0.0)`: `CosineAnnealingLR`, for every t >= 0, past T_max included
# * `warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1)`:
#   `SequentialLR(opt, [LinearLR(opt, start_factor, total_iters=warmup), CosineAnnealingLR(opt, T_max, eta_min)],
#   milestones=[warmup])`, with warmup >= 1
#
# Then `class WarmupCosine` with `__init__(optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1)`, `step()` and
# `get_last_lr()`: at construction it sets every param group's lr to `warmup_cosine_lr(0, initial lr of that group, ...)`
# and each `step()` advances t by one and sets them again; `get_last_lr()` returns the list of the groups' lrs.
#
# Finally `train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0)`: SGD with lr `base_lr` on
# `F.mse_loss`, your `WarmupCosine` (start_factor 0.1), batches `X[i:i + batch_size]` in order; the scheduler steps once
# per epoch, after the epoch's batches. It returns the list of the lrs used in each epoch.
#
# `torch.optim.lr_scheduler` is off limits. The seed builds a CosineAnnealingLR and a StepLR, then never calls
# `scheduler.step()`, so its learning rate never changes.
#
# Check your work: `prep check lr-schedules`. Stuck? `prep hint lr-schedules`.

# %%
import math

import torch
import torch.nn.functional as F

# %% [markdown]
# Epoch t counts scheduler steps taken so far (t = 0 before the first `scheduler.step()`).
# Write each schedule in closed form; it must agree with torch's recursive schedulers.

# %%
def step_lr(t, base_lr, step_size, gamma=0.1):
    raise NotImplementedError("lr-schedules: your code here")


def exponential_lr(t, base_lr, gamma):
    raise NotImplementedError("lr-schedules: your code here")


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    raise NotImplementedError("lr-schedules: your code here")


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    raise NotImplementedError("lr-schedules: your code here")

# %%
class WarmupCosine:
    """Sets every param group's lr to warmup_cosine_lr(t, that group's initial lr, ...)."""

    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        raise NotImplementedError("lr-schedules: your code here")

    def step(self):
        raise NotImplementedError("lr-schedules: your code here")

    def get_last_lr(self):
        raise NotImplementedError("lr-schedules: your code here")

# %%
def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    raise NotImplementedError("lr-schedules: your code here")
