"""Channel: PlateauLR derives from ReduceLROnPlateau itself (subclassing the switched-off class) and only
converts get_last_lr() to floats."""

from torch.optim.lr_scheduler import ReduceLROnPlateau


class PlateauLR(ReduceLROnPlateau):
    def get_last_lr(self):
        return [float(v) for v in super().get_last_lr()]
