"""Wrong (type slip): lr is passed through int() 'to normalise it' when it looks whole, and
through round(lr, 4) otherwise, so lr=3e-5 becomes 0.0. Breaks "whose learning rate is `lr` when given".
"""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    group = {"params": list(layer.parameters())}
    if lr is not None:
        group["lr"] = round(float(lr), 4)
    opt.add_param_group(group)
