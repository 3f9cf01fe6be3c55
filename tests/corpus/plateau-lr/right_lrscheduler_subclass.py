"""Correct, written differently: PlateauLR derives from torch.optim.lr_scheduler.LRScheduler (the base class the task
leaves available) and overrides step(metric); the improvement test is a table of comparisons; the metric is turned
into a float with .item() when it is a tensor."""

import math
import operator

import torch
from torch.optim.lr_scheduler import LRScheduler

_TESTS = {
    ("min", "rel"): lambda a, best, th: operator.lt(a, best * (1.0 - th)),
    ("min", "abs"): lambda a, best, th: operator.lt(a, best - th),
    ("max", "rel"): lambda a, best, th: operator.gt(a, best * (th + 1.0)),
    ("max", "abs"): lambda a, best, th: operator.gt(a, best + th),
}


class PlateauLR(LRScheduler):
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        if (mode, threshold_mode) not in _TESTS:
            raise ValueError(f"unknown mode {mode!r} or threshold_mode {threshold_mode!r}")
        if not factor < 1.0:
            raise ValueError("factor must be < 1")
        groups = len(optimizer.param_groups)
        lows = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * groups
        if len(lows) != groups:
            raise ValueError("one min_lr per param group")
        self.lows, self.factor, self.patience, self.cooldown, self.eps = lows, factor, patience, cooldown, eps
        self.better = lambda a, best: _TESTS[(mode, threshold_mode)](a, best, threshold)
        self.best = math.inf if mode == "min" else -math.inf
        self.bad = self.wait = 0
        super().__init__(optimizer)

    def get_lr(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def step(self, metric=None):
        if metric is None:  # the base class's own first step, at construction
            return super().step()
        value = metric.item() if isinstance(metric, torch.Tensor) else float(metric)
        self.bad = 0 if self.better(value, self.best) else self.bad + 1
        if self.bad == 0:
            self.best = value
        if self.wait:
            self.wait, self.bad = self.wait - 1, 0
        if self.bad > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.lows):
                lower = max(group["lr"] * self.factor, low)
                if group["lr"] - lower > self.eps:
                    group["lr"] = lower
            self.wait, self.bad = self.cooldown, 0
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]
