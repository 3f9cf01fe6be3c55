"""exponential_lr returns a 0-d tensor instead of a Python float."""

import math

import torch


def step_lr(t, base_lr, step_size, gamma=0.1):
    return float(base_lr * gamma ** math.floor(t / step_size))


def exponential_lr(t, base_lr, gamma):
    return torch.tensor(base_lr, dtype=torch.float64) * gamma ** t


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    return eta_min + 0.5 * (base_lr - eta_min) * (1.0 + math.cos(t * math.pi / T_max))


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    if t >= warmup:
        return cosine_lr(t - warmup, base_lr, T_max, eta_min)
    frac = t / warmup
    return base_lr * ((1.0 - frac) * start_factor + frac)


class WarmupCosine:
    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        self.opt = optimizer
        self.cfg = dict(warmup=warmup, T_max=T_max, eta_min=eta_min, start_factor=start_factor)
        self.t = 0
        for g in optimizer.param_groups:
            g.setdefault("initial_lr", g["lr"])
            g["lr"] = warmup_cosine_lr(0, g["initial_lr"], **self.cfg)

    def step(self):
        self.t += 1
        for g in self.opt.param_groups:
            g["lr"] = warmup_cosine_lr(self.t, g["initial_lr"], **self.cfg)

    def get_last_lr(self):
        return [g["lr"] for g in self.opt.param_groups]


def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    opt = torch.optim.SGD(model.parameters(), lr=base_lr)
    sched = WarmupCosine(opt, warmup, T_max, eta_min)
    history = []
    for epoch in range(epochs):
        history.append(sched.get_last_lr()[0])
        start = 0
        while start < len(X):
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            loss = ((model(xb) - yb) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            start += batch_size
        sched.step()
    return history
