"""the forward pre-hook recomputes module.weight only in training mode: in eval mode after an optimizer step the
forward uses the stale weight of the last training forward."""

import torch
import torch.nn as nn


def _count(amount, n):
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount
    return round(amount * n)


def _mask_from_scores(scores, k, like):
    flat = scores.reshape(-1)
    order = torch.sort(flat, stable=True).indices
    mask = torch.ones(flat.numel(), dtype=like.dtype)
    mask[order[:k]] = 0
    return mask


def l1_unstructured_mask(weight, amount):
    w = weight.detach()
    k = _count(amount, w.numel())
    return _mask_from_scores(w.abs(), k, w).reshape(w.shape)


def _hook(module, inputs):
    if not module.training:
        return
    module.weight = module.weight_orig * module.weight_mask


def prune_linear(module, amount):
    orig = module.weight
    mask = l1_unstructured_mask(orig, amount)
    del module._parameters["weight"]
    module.register_parameter("weight_orig", orig)
    module.register_buffer("weight_mask", mask)
    module.weight = orig * mask
    module._prune_handle = module.register_forward_pre_hook(_hook)
    return module


def remove_pruning(module):
    w = (module.weight_orig * module.weight_mask).detach()
    module._prune_handle.remove()
    del module._prune_handle
    del module._parameters["weight_orig"]
    del module._buffers["weight_mask"]
    if "weight" in module.__dict__:
        del module.__dict__["weight"]
    module.weight = nn.Parameter(w)
    return module


def global_l1_masks(tensors, amount):
    tensors = list(tensors)
    flat = torch.cat([t.detach().abs().reshape(-1) for t in tensors])
    k = _count(amount, flat.numel())
    mask = _mask_from_scores(flat, k, tensors[0])
    out, i = [], 0
    for t in tensors:
        out.append(mask[i:i + t.numel()].reshape(t.shape))
        i += t.numel()
    return out
