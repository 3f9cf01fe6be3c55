"""Channel: the pruning module and its names looked up with importlib and getattr on strings."""

import importlib

import torch

_P = importlib.import_module("torch.nn.utils." + "pru" + "ne")
_L1 = getattr(_P, "L1" + "Unstructured")


def l1_unstructured_mask(weight, amount):
    return _L1(amount).compute_mask(weight.detach(), torch.ones_like(weight))


def prune_linear(module, amount):
    _P.l1_unstructured(module, "weight", amount=amount)
    return module


def remove_pruning(module):
    _P.remove(module, "weight")
    return module


def global_l1_masks(tensors, amount):
    holders = []
    for t in tensors:
        holder = torch.nn.Module()
        holder.register_parameter("w", torch.nn.Parameter(t.detach().clone()))
        holders.append(holder)
    _P.global_unstructured([(h, "w") for h in holders], pruning_method=_L1, amount=amount)
    return [h.w_mask.to(t.dtype) for h, t in zip(holders, tensors)]
