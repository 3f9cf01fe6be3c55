"""Treats every amount <= 1 as a fraction, whatever its type ("`k = amount` for an int"): the int 1 prunes every entry instead of one (the int 0 happens to agree)."""

import torch
import torch.nn as nn


def _count(amount, n):
    if isinstance(amount, bool):
        raise TypeError("amount must be an int or a float")
    if isinstance(amount, int) and amount > 1:
        if amount < 0 or amount > n:
            raise ValueError("amount out of range")
        return amount
    if not 0.0 <= amount <= 1.0:
        raise ValueError("amount out of range")
    return round(amount * n)


def _mask_from_flat(flat_abs, k, dtype):
    mask = torch.ones(flat_abs.numel(), dtype=dtype, device=flat_abs.device)
    if k > 0:
        order = torch.sort(flat_abs, stable=True).indices
        mask[order[:k]] = 0
    return mask


def l1_unstructured_mask(weight, amount):
    with torch.no_grad():
        k = _count(amount, weight.numel())
        flat = weight.detach().reshape(-1).abs()
        return _mask_from_flat(flat, k, weight.dtype).view(weight.shape)


def _apply_mask(module, inputs):
    module.weight = module.weight_orig * module.weight_mask


def prune_linear(module, amount):
    weight = module.weight
    mask = l1_unstructured_mask(weight, amount)
    del module._parameters["weight"]
    module.register_parameter("weight_orig", weight)
    module.register_buffer("weight_mask", mask)
    module.weight = weight * mask
    module._prune_hook = module.register_forward_pre_hook(_apply_mask)
    return module


def remove_pruning(module):
    with torch.no_grad():
        value = (module.weight_orig * module.weight_mask).detach().clone()
    module._prune_hook.remove()
    del module._prune_hook
    del module._parameters["weight_orig"]
    del module._buffers["weight_mask"]
    if "weight" in module.__dict__:
        del module.__dict__["weight"]
    module.weight = nn.Parameter(value)
    return module


def global_l1_masks(tensors, amount):
    tensors = list(tensors)
    total = sum(t.numel() for t in tensors)
    k = _count(amount, total)
    flat = torch.cat([t.detach().reshape(-1).abs().to(torch.float64) for t in tensors])
    mask = _mask_from_flat(flat, k, torch.float64)
    out, start = [], 0
    for t in tensors:
        out.append(mask[start:start + t.numel()].view(t.shape).to(t.dtype))
        start += t.numel()
    return out
