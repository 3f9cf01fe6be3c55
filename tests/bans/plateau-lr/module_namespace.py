"""Channel: ReduceLROnPlateau reached through the lr_scheduler module's namespace under an alias, and wrapped."""

from torch.optim import lr_scheduler as sch

_CLS = getattr(sch, "ReduceLR" + "OnPlateau")


class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        self.inner = _CLS(optimizer, mode=mode, factor=factor, patience=patience, threshold=threshold,
                          threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)

    def step(self, metric):
        self.inner.step(metric)

    def get_last_lr(self):
        return [float(v) for v in self.inner.get_last_lr()]
