"""Cuts below min_lr: the floor is never applied."""

import math


class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        if not factor < 1.0:
            raise ValueError("factor must be below 1")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError("unknown mode or threshold_mode")
        groups = optimizer.param_groups
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(groups):
                raise ValueError("one min_lr per param group")
            self.floors = list(min_lr)
        else:
            self.floors = [min_lr for _ in groups]
        self.opt = optimizer
        self.cfg = dict(mode=mode, factor=factor, patience=patience, threshold=threshold, tmode=threshold_mode,
                        cooldown=cooldown, eps=eps)
        self.best = math.inf if mode == "min" else -math.inf
        self.bad = 0
        self.cool = 0

    def _better(self, x):
        c = self.cfg
        sign = 1.0 if c["mode"] == "min" else -1.0
        if c["tmode"] == "rel":
            bound = self.best * (1.0 - sign * c["threshold"])
        else:
            bound = self.best - sign * c["threshold"]
        return sign * x < sign * bound

    def step(self, metric):
        x = float(metric)
        c = self.cfg
        if self._better(x):
            self.best = x
            self.bad = 0
        else:
            self.bad += 1
        if self.cool > 0:
            self.cool -= 1
            self.bad = 0
        if self.bad > c["patience"]:
            for g, floor in zip(self.opt.param_groups, self.floors):
                target = g["lr"] * c["factor"]
                if g["lr"] - target > c["eps"]:
                    g["lr"] = target
            self.cool = c["cooldown"]
            self.bad = 0

    def get_last_lr(self):
        return [float(g["lr"]) for g in self.opt.param_groups]
