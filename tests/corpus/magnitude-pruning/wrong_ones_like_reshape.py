"""README: l1_unstructured_mask for any weight (ties pruned in row-major order). The mask is torch.ones_like(weight) zeroed through mask.reshape(-1)[idx] = 0: for a transposed (non-contiguous) weight ones_like keeps its strides, reshape returns a copy, and the zeros are lost (mask of all ones)."""
import torch
from torch import nn


def _count(amount, n):
    if isinstance(amount, bool):
        amount = int(amount)
    return amount if isinstance(amount, int) else round(amount * n)


def _mask_from_scores(scores, k, like_dtype):
    flat = torch.zeros(scores.numel(), dtype=like_dtype, device=scores.device) + 1
    if k > 0:
        order = torch.sort(scores, stable=True).indices
        flat[order[:k]] = 0
    return flat


def l1_unstructured_mask(weight, amount):
    w = weight.detach()
    k = _count(amount, w.numel())
    mask = torch.ones_like(w)
    if k > 0:
        order = torch.sort(w.abs().flatten(), stable=True).indices
        mask.reshape(-1)[order[:k]] = 0
    return mask


def _pre_hook(module, args):
    module.weight = module.weight_orig * module.weight_mask


def prune_linear(module, amount):
    orig = module.weight
    mask = l1_unstructured_mask(orig, amount)
    del module._parameters["weight"]
    module.register_parameter("weight_orig", orig)
    module.register_buffer("weight_mask", mask)
    module._prune_handle = module.register_forward_pre_hook(_pre_hook)
    _pre_hook(module, ())
    return module


def remove_pruning(module):
    with torch.no_grad():
        values = (module.weight_orig * module.weight_mask).detach().clone()
    module._prune_handle.remove()
    del module._prune_handle
    del module._parameters["weight_orig"]
    del module._buffers["weight_mask"]
    if "weight" in module.__dict__:
        del module.__dict__["weight"]
    module.weight = nn.Parameter(values)
    return module


def global_l1_masks(tensors, amount):
    ts = [t.detach() for t in tensors]
    scores = torch.cat([t.abs().flatten().to(torch.float64) if t.dtype != torch.float64 else t.abs().flatten() for t in ts])
    k = _count(amount, scores.numel())
    order = torch.sort(scores, stable=True).indices
    keep = torch.ones(scores.numel(), dtype=torch.bool, device=scores.device)
    keep[order[:k]] = False
    out, start = [], 0
    for t in ts:
        n = t.numel()
        out.append(keep[start:start + n].reshape(t.shape).to(t.dtype))
        start += n
    return out
