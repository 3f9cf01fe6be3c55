"""Channel: torch.nn.utils.prune imported under another name."""

import torch
import torch.nn.utils.prune as pr


def l1_unstructured_mask(weight, amount):
    return pr.L1Unstructured(amount).compute_mask(weight.detach(), torch.ones_like(weight))


def prune_linear(module, amount):
    pr.l1_unstructured(module, "weight", amount=amount)
    return module


def remove_pruning(module):
    pr.remove(module, "weight")
    return module


def global_l1_masks(tensors, amount):
    holders = []
    for t in tensors:
        holder = torch.nn.Module()
        holder.register_parameter("w", torch.nn.Parameter(t.detach().clone()))
        holders.append(holder)
    pr.global_unstructured([(h, "w") for h in holders], pruning_method=pr.L1Unstructured, amount=amount)
    return [h.w_mask.to(t.dtype) for h, t in zip(holders, tensors)]
