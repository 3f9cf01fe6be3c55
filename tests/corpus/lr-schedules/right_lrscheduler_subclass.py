"""Correct, written differently: WarmupCosine derives from torch.optim.lr_scheduler.LRScheduler (the base class the
task leaves available) and only supplies get_lr(); the closed forms use a piecewise helper and math imported under
another name; train() counts batches with a while loop."""

import math as m

import torch
import torch.nn.functional as F
from torch.optim.lr_scheduler import LRScheduler


def step_lr(t, base_lr, step_size, gamma=0.1):
    return float(base_lr * gamma ** (t // step_size))


def exponential_lr(t, base_lr, gamma):
    return float(base_lr * gamma ** t)


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    return float(eta_min + 0.5 * (base_lr - eta_min) * (1.0 + m.cos(m.pi * t / T_max)))


def _ramp(t, base_lr, warmup, start_factor):
    factor = start_factor + (1.0 - start_factor) * (t / warmup)
    return base_lr * factor


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    if t >= warmup:
        return cosine_lr(t - warmup, base_lr, T_max, eta_min)
    return float(_ramp(t, base_lr, warmup, start_factor))


class WarmupCosine(LRScheduler):
    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        self.warmup, self.T_max, self.eta_min, self.start_factor = warmup, T_max, eta_min, start_factor
        super().__init__(optimizer)

    def get_lr(self):
        return [warmup_cosine_lr(self.last_epoch, base, self.warmup, self.T_max, self.eta_min, self.start_factor)
                for base in self.base_lrs]


def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    optimizer = torch.optim.SGD(model.parameters(), lr=base_lr)
    schedule = WarmupCosine(optimizer, warmup, T_max, eta_min)
    history = []
    for _ in range(epochs):
        history.append(float(optimizer.param_groups[0]["lr"]))
        start = 0
        while start < X.shape[0]:
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            optimizer.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            optimizer.step()
            start += batch_size
        schedule.step()
    return history
