"""Violates: "the old parameter groups and the optimizer's state ... must stay as they are, so that training continues exactly as with opt.add_param_group": calls opt.zero_grad() after adding the group ("clean start"), which wipes gradients already computed for the old parameters (grow between backward and step loses that step)."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.insert(len(model), layer)
    group = dict(params=[p for _, p in layer.named_parameters()])
    if lr is not None:
        group.update(lr=lr)
    opt.add_param_group(param_group=group)
    opt.zero_grad()
