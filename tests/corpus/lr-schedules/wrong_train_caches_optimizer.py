"""Violates "train(...): SGD with lr base_lr on F.mse_loss, your WarmupCosine": the optimizer and scheduler are cached on the model ("resume where we left off"), so a second call on the same model continues the old schedule (t does not restart at 0) and ignores the new base_lr / warmup / T_max."""

from math import cos, pi

import torch
from torch import optim
from torch.nn import functional as Fn


def step_lr(t, base_lr, step_size, gamma=0.1):
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
    if not hasattr(model, "_lr_state"):
        opt = optim.SGD(model.parameters(), lr=base_lr)
        model._lr_state = (opt, WarmupCosine(opt, warmup, T_max, eta_min=eta_min, start_factor=0.1))
    opt, sched = model._lr_state
    used = []
    for _ in range(epochs):
        used.append(sched.get_last_lr()[0])
        for i in range(0, len(X), batch_size):
            opt.zero_grad()
            Fn.mse_loss(model(X[i:i + batch_size]), y[i:i + batch_size]).backward()
            opt.step()
        sched.step()
    return used
