"""Breaks: "`get_last_lr()` returns a new list of the groups' lrs, as Python floats." How: during a warm-up with start_factor 1 (lr = the initial lr) it returns the stored base_lrs list itself."""
"""Reference solution for lr-schedules (seed 001-27)."""

# %%
import math

import torch
import torch.nn.functional as F


# %% [markdown]
# Epoch t counts scheduler steps taken so far (t = 0 before the first `scheduler.step()`).
# Write each schedule in closed form; it must agree with torch's recursive schedulers.

# %%
def step_lr(t, base_lr, step_size, gamma=0.1):
    ### BEGIN SOLUTION
    return base_lr * gamma ** (t // step_size)
    ### END SOLUTION


def exponential_lr(t, base_lr, gamma):
    ### BEGIN SOLUTION
    return base_lr * gamma ** t
    ### END SOLUTION


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    ### BEGIN SOLUTION
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2
    ### END SOLUTION


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    ### BEGIN SOLUTION
    if t < warmup:
        return base_lr * (start_factor + (1 - start_factor) * t / warmup)
    return cosine_lr(t - warmup, base_lr, T_max, eta_min)
    ### END SOLUTION


# %%
class WarmupCosine:
    """Sets every param group's lr to warmup_cosine_lr(t, that group's initial lr, ...)."""

    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        ### BEGIN SOLUTION
        self.optimizer = optimizer
        self.args = (warmup, T_max, eta_min, start_factor)
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()  # t = 0: the warm-up's first lr
        ### END SOLUTION

    def step(self):
        ### BEGIN SOLUTION
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = warmup_cosine_lr(self.last_epoch, base, *self.args)
        ### END SOLUTION

    def get_last_lr(self):
        ### BEGIN SOLUTION
        return self.base_lrs if self.args[3] == 1 and self.last_epoch < self.args[0] else [group["lr"] for group in self.optimizer.param_groups]
        ### END SOLUTION


# %%
def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    ### BEGIN SOLUTION
    opt = torch.optim.SGD(model.parameters(), lr=base_lr)
    scheduler = WarmupCosine(opt, warmup, T_max, eta_min)
    used = []
    for _ in range(epochs):
        used.append(opt.param_groups[0]["lr"])
        for i in range(0, len(X), batch_size):
            opt.zero_grad()
            F.mse_loss(model(X[i:i + batch_size]), y[i:i + batch_size]).backward()
            opt.step()
        scheduler.step()  # once per epoch, after the epoch's optimizer steps
    return used
    ### END SOLUTION
