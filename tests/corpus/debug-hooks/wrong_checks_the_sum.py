"""Violates "a NaN, inf or -inf anywhere in its output": tests isfinite(out.sum()), so a module with finite outputs near 1e308 (whose sum overflows to inf) is reported."""
import torch


def attach_grad_norm_logger(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        log[name] = []
        if p.requires_grad:
            handles.append(p.register_hook(lambda g, L=log[name]: L.append(g.norm().item())))
    return log, handles


def _tensors(v):
    if isinstance(v, torch.Tensor):
        yield v
    elif isinstance(v, (tuple, list)):
        for i in v:
            yield from _tensors(i)


def first_nonfinite_module(model, x):
    found = []
    hs = []
    try:
        for name, sub in model.named_modules():
            if name:
                hs.append(sub.register_forward_hook(
                    lambda m, a, o, n=name: found.append(n) if not found and any(not torch.isfinite(t.sum()) for t in _tensors(o)) else None))
        model(x)
    finally:
        for h in hs:
            h.remove()
    return found[0] if found else None
