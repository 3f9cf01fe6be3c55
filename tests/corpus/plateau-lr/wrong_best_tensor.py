"""Violates: lr must equal torch's on any metric sequence (torch converts the metric with float()): the metric is kept as given, so for 0-d float32 tensors best is a float32 tensor and best * (1 - threshold) is rounded to float32; metrics within float32 rounding of the threshold boundary are classified differently (and best aliases the caller's tensor)."""
import math

from torch.optim.lr_scheduler import LRScheduler


class PlateauLR(LRScheduler):
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        # LRScheduler.__init__ would take an initial step with no metric: set the state by hand instead.
        self.optimizer = optimizer
        if factor >= 1.0:
            raise ValueError(f"factor {factor} >= 1")
        if mode != "min" and mode != "max":
            raise ValueError(mode)
        if threshold_mode != "rel" and threshold_mode != "abs":
            raise ValueError(threshold_mode)
        k = len(optimizer.param_groups)
        if type(min_lr) in (list, tuple):
            if len(min_lr) != k:
                raise ValueError("one min_lr per group")
            self.min_lrs = [float(v) for v in min_lr]
        else:
            self.min_lrs = k * [float(min_lr)]
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.patience, self.threshold = factor, patience, threshold
        self.cooldown, self.eps = cooldown, eps
        self.best = -math.inf if mode == "max" else math.inf
        self.num_bad_epochs = self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [float(pg["lr"]) for pg in optimizer.param_groups]

    def is_better(self, a):
        b, t = self.best, self.threshold
        if self.mode == "min":
            return a < (b * (1.0 - t) if self.threshold_mode == "rel" else b - t)
        return a > (b * (t + 1.0) if self.threshold_mode == "rel" else b + t)

    def _reduce(self):
        for i, pg in enumerate(self.optimizer.param_groups):
            old = float(pg["lr"])
            new = max(old * self.factor, self.min_lrs[i])
            if old - new > self.eps:
                pg["lr"] = new

    def step(self, metric):
        x = metric
        self.last_epoch += 1
        improved = self.is_better(x)
        self.best = x if improved else self.best
        self.num_bad_epochs = 0 if improved else self.num_bad_epochs + 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [float(pg["lr"]) for pg in self.optimizer.param_groups]

    def get_last_lr(self):
        return list(self._last_lr)
