"""A correct solution written differently: the entries to prune chosen with Python's sorted() (stable, so ties keep
row-major order) over the flattened magnitudes, weight_orig moved with _parameters.pop, the hook a closure, and the
global masks built by one pass over the concatenation."""

import torch
from torch import nn


def _k(amount, n):
    return amount if isinstance(amount, int) else round(amount * n)


def _smallest(values, k):
    return sorted(range(len(values)), key=values.__getitem__)[:k]


def l1_unstructured_mask(weight, amount):
    mags = weight.detach().abs().flatten().tolist()
    flat = torch.ones(len(mags), dtype=weight.dtype, device=weight.device)
    idx = _smallest(mags, _k(amount, len(mags)))
    if idx:
        flat[torch.tensor(idx, device=weight.device)] = 0
    return flat.view(weight.shape)


def prune_linear(module, amount):
    original = module._parameters.pop("weight")
    module.weight_orig = original                     # nn.Module registers a Parameter assigned as an attribute
    module.register_buffer("weight_mask", l1_unstructured_mask(original, amount))

    def refresh(mod, _inputs):
        mod.weight = mod.weight_orig * mod.weight_mask

    refresh(module, None)
    module._mask_handle = module.register_forward_pre_hook(refresh)
    return module


def remove_pruning(module):
    module._mask_handle.remove()
    value = (module.weight_orig * module.weight_mask).detach()
    del module._mask_handle
    del module.weight
    del module.weight_orig
    del module.weight_mask
    module.register_parameter("weight", nn.Parameter(value.clone()))
    return module


def global_l1_masks(tensors, amount):
    mags = [v for t in tensors for v in t.detach().abs().flatten().tolist()]
    pruned = set(_smallest(mags, _k(amount, len(mags))))
    masks, start = [], 0
    for t in tensors:
        flags = [0.0 if start + i in pruned else 1.0 for i in range(t.numel())]
        masks.append(torch.tensor(flags, dtype=t.dtype, device=t.device).view(t.shape))
        start += t.numel()
    return masks
