"""Violates `global_l1_masks(tensors, amount)`: pruning the smallest entries across all of them together: the magnitudes are cast to float32 before the joint sort, so float64 entries that differ by less than float32's resolution become ties and are pruned in list order instead of by their true magnitude."""
import torch
from torch import nn


def _k(amount, n):
    if isinstance(amount, int) and not isinstance(amount, bool):
        k = amount
    else:
        k = round(float(amount) * n)
    if not 0 <= k <= n:
        raise ValueError("amount out of range")
    return k


def _flat_mask(absvals, k, dtype):
    keep = torch.ones(absvals.numel(), dtype=dtype, device=absvals.device)
    idx = torch.argsort(absvals, stable=True)[:k]
    keep.index_fill_(0, idx, 0)
    return keep


def l1_unstructured_mask(weight, amount):
    w = weight.detach()
    return _flat_mask(w.reshape(-1).abs(), _k(amount, w.numel()), w.dtype).reshape(w.shape)


class _PruneHook:
    def __init__(self, name):
        self.name = name

    def __call__(self, module, args):
        setattr(module, self.name, getattr(module, self.name + "_orig") * getattr(module, self.name + "_mask"))


def prune_linear(module, amount):
    orig = module._parameters.pop("weight")
    mask = l1_unstructured_mask(orig, amount)
    module.register_parameter("weight_orig", orig)
    module.register_buffer("weight_mask", mask)
    hook = _PruneHook("weight")
    hook(module, ())
    module._my_prune_handle = module.register_forward_pre_hook(hook)
    return module


def remove_pruning(module):
    final = (module.weight_orig * module.weight_mask).detach()
    module._my_prune_handle.remove()
    del module._my_prune_handle
    delattr(module, "weight")
    delattr(module, "weight_orig")
    delattr(module, "weight_mask")
    module.weight = nn.Parameter(final.clone())
    return module


def global_l1_masks(tensors, amount):
    ts = list(tensors)
    flat = torch.cat([t.detach().reshape(-1).abs().float() for t in ts]) if ts else torch.zeros(0)
    big = _flat_mask(flat, _k(amount, flat.numel()), torch.float64)
    sizes = [t.numel() for t in ts]
    return [piece.reshape(t.shape).to(t.dtype) for piece, t in zip(torch.split(big, sizes), ts)]
