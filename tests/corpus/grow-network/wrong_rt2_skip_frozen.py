"""Violates: "register all its parameters": only parameters with requires_grad=True are registered, so a layer frozen at grow time and unfrozen later is never updated (add_param_group would have registered them)."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.insert(len(model), layer)
    group = dict(params=[p for _, p in layer.named_parameters() if p.requires_grad])
    if lr is not None:
        group.update(lr=lr)
    opt.add_param_group(param_group=group)
