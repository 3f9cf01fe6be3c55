"""Violates "at every backward pass each list gets one Python float": a pass whose gradient for a parameter is all zeros (a dead ReLU unit, a masked-out bias) is skipped ("nothing to log"), so that list gets no entry for that pass."""

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
            v = float(torch.linalg.vector_norm(g.detach().to(torch.float64)))
            if v > 0:
                log[_n].append(v)
        handles.append(p.register_hook(hook))
    return log, handles


def _has_nonfinite(obj):
    if isinstance(obj, torch.Tensor):
        return bool((~torch.isfinite(obj)).any()) if obj.is_floating_point() or obj.is_complex() else False
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
