"""README: get_last_lr() is the list of the param groups' lrs, as floats. Before the first step() it returns [] (the list is only filled by step), where torch returns the initial lrs."""
import math


class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("factor must be < 1")
        if mode not in ("min", "max"):
            raise ValueError(f"unknown mode {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"unknown threshold_mode {threshold_mode!r}")
        self.optimizer = optimizer
        groups = optimizer.param_groups
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(groups):
                raise ValueError("min_lr list length must equal the number of groups")
            self.min_lrs = [float(m) for m in min_lr]
        else:
            self.min_lrs = [float(min_lr)] * len(groups)
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.patience, self.threshold = factor, patience, threshold
        self.cooldown, self.eps = cooldown, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad = 0
        self.cooldown_counter = 0
        self._last = []

    def _better(self, a):
        b, t = self.best, self.threshold
        if self.mode == "min":
            return a < (b * (1.0 - t) if self.threshold_mode == "rel" else b - t)
        return a > (b * (1.0 + t) if self.threshold_mode == "rel" else b + t)

    def step(self, metric):
        cur = float(metric)
        if self._better(cur):
            self.best = cur
            self.num_bad = 0
        else:
            self.num_bad += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0
        if self.num_bad > self.patience:
            for i, g in enumerate(self.optimizer.param_groups):
                old = float(g["lr"])
                new = max(old * self.factor, self.min_lrs[i])
                if old - new > self.eps:
                    g["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad = 0
        self._last = [float(g["lr"]) for g in self.optimizer.param_groups]

    def get_last_lr(self):
        return list(self._last)
