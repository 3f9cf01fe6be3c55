"""Channel: the masks computed by hand, but the reparametrisation (weight_orig, weight_mask, the
pre-hook) and its removal left to prune.custom_from_mask and prune.remove."""

import torch
from torch.nn.utils.prune import custom_from_mask, remove


def _mask(weight, amount):
    k = amount if isinstance(amount, int) else round(amount * weight.numel())
    mask = torch.ones(weight.numel(), dtype=weight.dtype, device=weight.device)
    mask[torch.sort(weight.detach().abs().flatten(), stable=True).indices[:k]] = 0
    return mask.view(weight.shape)


def prune_linear(module, amount):
    custom_from_mask(module, "weight", _mask(module.weight, amount))
    return module


def remove_pruning(module):
    remove(module, "weight")
    return module


def l1_unstructured_mask(weight, amount):
    raise NotImplementedError  # as in the stub: this file only tests the reparametrisation channel


def global_l1_masks(tensors, amount):
    raise NotImplementedError
