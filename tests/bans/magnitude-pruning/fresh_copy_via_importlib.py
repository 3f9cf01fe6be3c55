"""Channel: a fresh copy of torch/nn/utils/prune.py loaded with importlib.util.spec_from_file_location."""

import importlib.util
import os

import torch

_path = os.path.join(os.path.dirname(torch.__file__), "nn", "utils", "prune.py")
_spec = importlib.util.spec_from_file_location("torch.nn.utils.fresh_prune", _path)
_P = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_P)


def l1_unstructured_mask(weight, amount):
    return _P.L1Unstructured(amount).compute_mask(weight.detach(), torch.ones_like(weight))


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
    _P.global_unstructured([(h, "w") for h in holders], pruning_method=_P.L1Unstructured, amount=amount)
    return [h.w_mask.to(t.dtype) for h, t in zip(holders, tensors)]
