"""Channel: a fresh copy of ReduceLROnPlateau made with exec(inspect.getsource(...)) in a copy of its module's
namespace (and, failing that, from the file read directly), then wrapped."""

import importlib
import inspect

_mod = importlib.import_module("torch.optim.lr_scheduler")
_ns = dict(vars(_mod))
try:
    exec(inspect.getsource(getattr(_mod, "ReduceLROnPlateau")), _ns)
except Exception:
    with open(_mod.__file__) as f:
        exec(compile(f.read(), "copy", "exec"), _ns)
_CLS = _ns["ReduceLROnPlateau"]


class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        self.inner = _CLS(optimizer, mode=mode, factor=factor, patience=patience, threshold=threshold,
                          threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)

    def step(self, metric):
        self.inner.step(metric)

    def get_last_lr(self):
        return [float(v) for v in self.inner.get_last_lr()]
