"""Violates "every other hyper-parameter of the new group being the optimizer's default": copies the last group's hyper-parameters (weight_decay, betas, momentum... that the caller may have set per group), only its lr taken from opt.defaults."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    group = {k: v for k, v in opt.param_groups[-1].items() if k != "params"}
    group["lr"] = opt.defaults["lr"]
    group["params"] = list(layer.parameters())
    if lr is not None:
        group["lr"] = lr
    opt.add_param_group(group)
