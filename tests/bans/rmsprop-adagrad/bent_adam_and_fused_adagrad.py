"""Channels: RMSprop (no momentum, not centred) through torch.optim.Adam bent into it (betas=(0, alpha), lr and eps
divided by sqrt(1 - alpha**t) at every step), and Adagrad through the fused kernel torch._fused_adagrad_."""

import math

import torch


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        if min(lr, alpha, eps, weight_decay, momentum) < 0:
            raise ValueError("negative hyper-parameter")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))
        self._inner = {}

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for i, g in enumerate(self.param_groups):
            inner = self._inner.get(i)
            if inner is None:
                inner = self._inner[i] = torch.optim.Adam(g["params"], lr=g["lr"], betas=(0.0, g["alpha"]),
                                                          eps=g["eps"], weight_decay=g["weight_decay"])
            t = max([int(s["step"]) for s in inner.state.values()] + [0]) + 1
            c = math.sqrt(1 - g["alpha"] ** t) if g["alpha"] else 1.0
            inner.param_groups[0]["lr"] = g["lr"] / c
            inner.param_groups[0]["eps"] = g["eps"] / c
            inner.step()
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        if min(lr, lr_decay, weight_decay, initial_accumulator_value, eps) < 0:
            raise ValueError("negative hyper-parameter")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps))
        for g in self.param_groups:
            for p in g["params"]:
                self.state[p] = {"step": torch.tensor(0.0), "sum": torch.full_like(p, initial_accumulator_value)}

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            ps = [p for p in g["params"] if p.grad is not None]
            for p in ps:
                self.state[p]["step"] += 1
            if ps:
                torch._fused_adagrad_(ps, [p.grad for p in ps], [self.state[p]["sum"] for p in ps],
                                      [self.state[p]["step"] for p in ps], lr=g["lr"], lr_decay=g["lr_decay"],
                                      weight_decay=g["weight_decay"], eps=g["eps"], maximize=False)
        return loss
