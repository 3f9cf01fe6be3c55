"""Violates: "the optimizer's default (opt.defaults, which a scheduler does not change) otherwise": takes the first group's initial_lr (set by a scheduler) when present, which is that group's own lr, not opt.defaults["lr"], when the old group was built with its own lr."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.insert(len(model), layer)
    group = dict(params=[p for _, p in layer.named_parameters()])
    if lr is None:
        lr = opt.param_groups[0].get("initial_lr", opt.defaults["lr"])
    group.update(lr=lr)
    opt.add_param_group(param_group=group)
