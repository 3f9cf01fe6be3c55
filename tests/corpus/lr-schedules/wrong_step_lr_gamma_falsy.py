"""Violates "step_lr(t, base_lr, step_size, gamma=0.1): StepLR": gamma is read as `gamma or 0.1`, so an explicit gamma = 0 (StepLR drops the lr to 0 at the first milestone) is replaced by the default 0.1."""

from math import cos, pi

import torch
from torch import optim
from torch.nn import functional as Fn


def step_lr(t, base_lr, step_size, gamma=0.1):
    gamma = gamma or 0.1
    return float(base_lr * gamma ** (t // step_size))


def exponential_lr(t, base_lr, gamma):
    return float(base_lr * gamma ** t)


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    return float(eta_min + (base_lr - eta_min) * (1.0 + cos(pi * t / T_max)) / 2.0)


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    if t >= warmup:
        return cosine_lr(t - warmup, base_lr, T_max, eta_min)
    factor = start_factor + (1.0 - start_factor) * t / warmup
    return float(base_lr * factor)


class WarmupCosine:
    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        self.opt = optimizer
        self.cfg = dict(warmup=warmup, T_max=T_max, eta_min=eta_min, start_factor=start_factor)
        self.bases = [g["lr"] for g in optimizer.param_groups]
        self.t = 0
        self._apply()

    def _apply(self):
        for g, b in zip(self.opt.param_groups, self.bases):
            g["lr"] = warmup_cosine_lr(self.t, b, **self.cfg)

    def step(self):
        self.t += 1
        self._apply()

    def get_last_lr(self):
        return [float(g["lr"]) for g in self.opt.param_groups]


def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    opt = optim.SGD(model.parameters(), lr=base_lr)
    sched = WarmupCosine(opt, warmup, T_max, eta_min=eta_min, start_factor=0.1)
    used = []
    for _ in range(epochs):
        used.append(sched.get_last_lr()[0])
        for i in range(0, len(X), batch_size):
            opt.zero_grad()
            Fn.mse_loss(model(X[i:i + batch_size]), y[i:i + batch_size]).backward()
            opt.step()
        sched.step()
    return used
