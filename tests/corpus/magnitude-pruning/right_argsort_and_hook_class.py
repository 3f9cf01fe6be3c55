"""Correct: a stable argsort for the smallest entries, a callable hook class, the global mask built by the 1-D mask."""

import torch
import torch.nn as nn


def _count(amount, n):
    return amount if isinstance(amount, int) else int(round(amount * n))


def l1_unstructured_mask(weight, amount):
    k = _count(amount, weight.numel())
    flat = weight.detach().abs().flatten()
    mask = torch.ones(flat.shape, dtype=weight.dtype, device=weight.device)
    if k:
        order = torch.argsort(flat, stable=True)  # ties in row-major order
        mask[order[:k]] = 0
    return mask.reshape(weight.shape)


class _Reapply:
    def __call__(self, module, inputs):
        module.weight = module.weight_orig * module.weight_mask


def prune_linear(module, amount):
    param = module._parameters.pop("weight")
    module.register_parameter("weight_orig", param)
    module.register_buffer("weight_mask", l1_unstructured_mask(param, amount))
    module.weight = param * module.weight_mask
    module._reapply = module.register_forward_pre_hook(_Reapply())
    return module


def remove_pruning(module):
    final = (module.weight_orig * module.weight_mask).detach().clone()
    module._reapply.remove()
    del module._reapply
    del module.weight
    module._parameters.pop("weight_orig")
    module._buffers.pop("weight_mask")
    module.register_parameter("weight", nn.Parameter(final))
    return module


def global_l1_masks(tensors, amount):
    flat = torch.cat([t.detach().abs().flatten() for t in tensors])
    mask = l1_unstructured_mask(flat, amount)
    out, start = [], 0
    for t in tensors:
        out.append(mask[start:start + t.numel()].reshape(t.shape))
        start += t.numel()
    return out
