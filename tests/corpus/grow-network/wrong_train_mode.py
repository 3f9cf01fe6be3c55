"""grow calls model.train(): a model kept in eval mode (a BatchNorm1d with frozen statistics, as when fine-tuning) then normalises with batch statistics, so training no longer continues exactly as with opt.add_param_group."""
from torch import nn


def grow(model, opt, layer, lr=None):
    model.append(layer)
    model.train()
    new_group = {"params": list(layer.parameters())}
    if lr is not None:
        new_group["lr"] = lr
    opt.add_param_group(new_group)
