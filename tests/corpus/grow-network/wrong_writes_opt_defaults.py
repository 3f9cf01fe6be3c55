"""Violates "whose learning rate is `lr` when given ... and the optimizer's default (`opt.defaults` ...) otherwise" (and "when `grow` is called again later"): sets opt.defaults["lr"] = lr to give the new group its lr, so a later grow without lr inherits it."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    group = {"params": list(layer.parameters())}
    if lr is not None:
        opt.defaults["lr"] = lr
    opt.add_param_group(group)
