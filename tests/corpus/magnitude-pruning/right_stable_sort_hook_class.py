"""Correct, another way: torch.sort(stable=True) on |w|, a small hook object whose handle is kept on the module, and
remove_pruning reuses the weight_orig Parameter object (as torch does)."""

import torch
import torch.nn as nn


def _count(amount, n):
    if isinstance(amount, bool):
        amount = int(amount)
    if isinstance(amount, int):
        return amount
    return round(amount * n)


def _mask_flat(flat_abs, k, dtype):
    mask = torch.ones(flat_abs.shape, dtype=dtype, device=flat_abs.device)
    if k > 0:
        _, order = torch.sort(flat_abs, stable=True)
        mask[order[:k]] = 0
    return mask


def l1_unstructured_mask(weight, amount):
    flat = weight.detach().abs().reshape(-1)
    k = _count(amount, flat.numel())
    return _mask_flat(flat, k, weight.dtype).reshape(weight.shape)


class _Reapply:
    def __call__(self, module, inputs):
        module.weight = module.weight_orig * module.weight_mask


def prune_linear(module, amount):
    orig = module._parameters.pop("weight")
    mask = l1_unstructured_mask(orig, amount)
    module.register_parameter("weight_orig", orig)
    module.register_buffer("weight_mask", mask)
    module.weight = orig * mask
    module._prune_handle = module.register_forward_pre_hook(_Reapply())
    return module


def remove_pruning(module):
    masked = (module.weight_orig * module.weight_mask).detach()
    module._prune_handle.remove()
    del module._prune_handle
    if "weight" in module.__dict__:
        del module.__dict__["weight"]
    orig = module._parameters.pop("weight_orig")
    del module._buffers["weight_mask"]
    orig.data = masked
    module.weight = orig
    return module


def global_l1_masks(tensors, amount):
    tensors = list(tensors)
    flat = torch.cat([t.detach().abs().reshape(-1).to(torch.float64) for t in tensors])
    k = _count(amount, flat.numel())
    keep = _mask_flat(flat, k, torch.bool)
    masks, start = [], 0
    for t in tensors:
        n = t.numel()
        masks.append(keep[start:start + n].reshape(t.shape).to(t.dtype))
        start += n
    return masks
