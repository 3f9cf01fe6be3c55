"""Violates: "every other hyper-parameter of the new group being the optimizer's default": sets weight_decay=0 on the new group ("fresh layers should not be decayed"); for AdamW (default weight_decay 0.01) or any optimizer built with weight_decay the new layer is trained differently."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.insert(len(model), layer)
    group = dict(params=[p for _, p in layer.named_parameters()])
    group["weight_decay"] = 0.0
    if lr is not None:
        group.update(lr=lr)
    opt.add_param_group(param_group=group)
