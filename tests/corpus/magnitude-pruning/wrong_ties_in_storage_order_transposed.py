"""WRONG: for a transposed (non-contiguous) weight, ties at the cut are broken in storage order, not in the row-major
order of its indices (blind round 16: full marks under one seed of five, where the random ties did not separate the two
orders)."""

import torch
import torch.nn as nn


def _k(amount, n):
    return amount if type(amount) is int else round(amount * n)


def _mask_flat(a, k):
    m = torch.ones_like(a)
    if k <= 0 or a.numel() == 0:
        return m
    if k >= a.numel():
        return torch.zeros_like(a)
    thr = a.kthvalue(k).values
    below = a < thr
    eq = a == thr
    need = k - int(below.sum())
    take = eq & (torch.cumsum(eq.to(torch.int64), 0) <= need)
    m[below | take] = 0
    return m


@torch.no_grad()
def l1_unstructured_mask(weight, amount):
    a = weight.abs().T.reshape(-1) if not weight.is_contiguous() else weight.abs().reshape(-1)
    return _mask_flat(a, _k(amount, a.numel())).view(weight.shape[::-1]).T if not weight.is_contiguous() else _mask_flat(a, _k(amount, a.numel())).view(weight.shape).to(weight.dtype)


def _pre(mod, args, kwargs):
    mod.weight = mod.weight_orig * mod.weight_mask
    return None


def prune_linear(module, amount):
    w = module.weight
    module.register_buffer("weight_mask", l1_unstructured_mask(w, amount))
    del module._parameters["weight"]
    module.register_parameter("weight_orig", w)
    module._prune_hook = module.register_forward_pre_hook(_pre, with_kwargs=True)
    _pre(module, (), {})
    return module


def remove_pruning(module):
    module._prune_hook.remove()
    del module._prune_hook
    new = nn.Parameter((module.weight_orig * module.weight_mask).detach().clone())
    del module.weight
    del module._parameters["weight_orig"]
    del module._buffers["weight_mask"]
    module.weight = new
    return module


@torch.no_grad()
def global_l1_masks(tensors, amount):
    tensors = list(tensors)
    sizes = [t.numel() for t in tensors]
    a = torch.cat([t.abs().reshape(-1) for t in tensors])
    m = _mask_flat(a, _k(amount, a.numel()))
    return list(p.view(t.shape).to(t.dtype) for p, t in zip(m.split(sizes), tensors))
