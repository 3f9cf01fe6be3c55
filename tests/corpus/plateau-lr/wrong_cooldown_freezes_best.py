"""During the cooldown it skips the improvement test altogether, so a new best reached in the cooldown is never recorded."""

# %%
import torch


# %% [markdown]
# A scheduler driven by the loss: cut every group's lr by `factor` once the metric has
# not improved for more than `patience` steps. "Improved" means better than the best value
# so far by more than `threshold` (relative or absolute); after a cut, `cooldown` steps
# pass in which bad epochs are not counted.

# %%
class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
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
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def step(self, metric):
        current = float(metric)
        if self.mode == "min":
            better = (current < self.best * (1 - self.threshold) if self.threshold_mode == "rel"
                      else current < self.best - self.threshold)
        else:
            better = (current > self.best * (1 + self.threshold) if self.threshold_mode == "rel"
                      else current > self.best + self.threshold)
        if better and self.cooldown_counter == 0:
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(group["lr"] * self.factor, low)
                if group["lr"] - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0

    def get_last_lr(self):
        return [float(group["lr"]) for group in self.optimizer.param_groups]
