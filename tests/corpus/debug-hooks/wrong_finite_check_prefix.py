"""Violates "a NaN, inf or -inf anywhere in its output": to keep the scan cheap only the first 4096 elements of each output tensor are checked, so a non-finite value later in a large output is missed (right only on small outputs)."""

import math

import torch


def attach_grad_norm_logger(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        log[name] = []
        if not p.requires_grad:
            continue

        def hook(g, _n=name):
            log[_n].append(float(torch.linalg.vector_norm(g.detach().to(torch.float64))))
        handles.append(p.register_hook(hook))
    return log, handles


def _has_nonfinite(obj):
    if isinstance(obj, torch.Tensor):
        return bool((~torch.isfinite(obj.reshape(-1)[:4096])).any()) if obj.is_floating_point() or obj.is_complex() else False
    if isinstance(obj, tuple):
        return any(_has_nonfinite(o) for o in obj)
    return False


def first_nonfinite_module(model, x):
    hits = []
    handles = []
    try:
        for name, mod in model.named_modules():
            if name == "":
                continue
            handles.append(mod.register_forward_hook(
                lambda m, inp, out, _n=name: hits.append(_n) if _has_nonfinite(out) else None))
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return hits[0] if hits else None
