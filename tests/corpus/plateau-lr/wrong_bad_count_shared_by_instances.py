"""Breaks: "It must behave exactly like `torch.optim.lr_scheduler.ReduceLROnPlateau`" (per scheduler). Angle: F. How: the bad-epoch count lives in a class-level dict shared by every instance."""
"""Reference solution for plateau-lr (seed 002-07)."""

# %%
import torch


# %% [markdown]
# A scheduler driven by the loss: cut every group's lr by `factor` once the metric has
# not improved for more than `patience` steps. "Improved" means better than the best value
# so far by more than `threshold` (relative or absolute); after a cut, `cooldown` steps
# pass in which bad epochs are not counted.

# %%
class PlateauLR:
    _counts = {"bad": 0}

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        ### BEGIN SOLUTION
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"expected {n} min_lrs, got {len(min_lr)}")
            self.min_lrs = [float(m) for m in min_lr]
        else:
            self.min_lrs = [float(min_lr)] * n
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = threshold, threshold_mode, cooldown, eps
        self.best = float("inf") if mode == "min" else float("-inf")
        self.cooldown_counter = 0
        ### END SOLUTION

    def step(self, metric):
        ### BEGIN SOLUTION
        current = float(metric)
        if self.mode == "min":
            better = (current < self.best * (1 - self.threshold) if self.threshold_mode == "rel"
                      else current < self.best - self.threshold)
        else:
            better = (current > self.best * (1 + self.threshold) if self.threshold_mode == "rel"
                      else current > self.best + self.threshold)
        if better:
            self.best = current
            self._counts["bad"] = 0
        else:
            self._counts["bad"] += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self._counts["bad"] = 0
        if self._counts["bad"] > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(group["lr"] * self.factor, low)
                if group["lr"] - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self._counts["bad"] = 0
        ### END SOLUTION

    def get_last_lr(self):
        ### BEGIN SOLUTION
        return [float(group["lr"]) for group in self.optimizer.param_groups]
        ### END SOLUTION
