"""VIOLATES "register all its parameters ... with the optimizer opt as one new parameter group": a layer without parameters (nn.ReLU, nn.Dropout) gets no group, so opt.param_groups has one group fewer than add_param_group gives, and a later grow's group sits at another index (a scheduler/state_dict per group no longer lines up)."""

from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    new_group = dict(params=[p for p in layer.parameters()])
    if lr is not None:
        new_group["lr"] = lr
    if new_group["params"]:
        opt.add_param_group(new_group)
