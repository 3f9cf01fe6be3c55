"""Violates: "register all its parameters ... as with opt.add_param_group": collects parameters by walking layer.modules() without de-duplication, so a parameter shared by two submodules (tied weights) is registered twice in the group; the optimizer then applies its update twice per step."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.insert(len(model), layer)
    group = dict(params=[p for m in layer.modules() for p in m.parameters(recurse=False)])
    if lr is not None:
        group.update(lr=lr)
    opt.add_param_group(param_group=group)
