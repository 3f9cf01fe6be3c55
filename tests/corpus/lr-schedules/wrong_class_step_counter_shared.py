"""WRONG: the step counter t is a class attribute shared by every WarmupCosine (WarmupCosine.t), not kept on the
instance. One scheduler alone is right; with two alive at once, building the second resets the first's t to 0
and each step() of either advances both ("each step() advances t by one" is per scheduler). Caught by the
two-scheduler case of test_scheduler_class_per_group (found in blind round 19)."""
import math

import torch
import torch.nn.functional as F


def step_lr(t, base_lr, step_size, gamma=0.1):
    return float(base_lr * gamma ** (t // step_size))


def exponential_lr(t, base_lr, gamma):
    return float(base_lr * gamma ** t)


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    return float(eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2)


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    if t < warmup:
        return float(base_lr * (start_factor + (1 - start_factor) * t / warmup))
    return cosine_lr(t - warmup, base_lr, T_max, eta_min)


class WarmupCosine:
    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        self.optimizer = optimizer
        self.args = (warmup, T_max, eta_min, start_factor)
        self.base_lrs = [g["lr"] for g in optimizer.param_groups]
        WarmupCosine.t = 0
        self._apply()

    def _apply(self):
        for g, b in zip(self.optimizer.param_groups, self.base_lrs):
            g["lr"] = warmup_cosine_lr(self.t, b, *self.args)

    def step(self):
        WarmupCosine.t += 1
        self._apply()

    def get_last_lr(self):
        return [float(g["lr"]) for g in self.optimizer.param_groups]


def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    opt = torch.optim.SGD(model.parameters(), lr=base_lr)
    sched = WarmupCosine(opt, warmup, T_max, eta_min=eta_min, start_factor=0.1)
    lrs = []
    for _ in range(epochs):
        lrs.append(float(opt.param_groups[0]["lr"]))
        for i in range(0, len(X), batch_size):
            opt.zero_grad()
            loss = F.mse_loss(model(X[i:i + batch_size]), y[i:i + batch_size])
            loss.backward()
            opt.step()
        sched.step()
    return lrs

