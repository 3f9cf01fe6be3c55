"""Channel: L1Unstructured found through BasePruningMethod.__subclasses__(), its compute_mask used for
the masks, torch's reparametrisation functions reached through the class's module."""

import sys

import torch
import torch.nn.utils.prune

_base = torch.nn.utils.prune.BasePruningMethod
_L1 = next(c for c in _base.__subclasses__() if c.__name__.startswith('L1'))
_P = sys.modules[_L1.__module__]


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
