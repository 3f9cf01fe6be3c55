"""Violates "the first submodule whose forward pass finishes with a NaN, inf or -inf": stores each module's output in a dict by name and scans it afterwards in insertion order; a module called twice keeps its first slot but its last output, so for a -> b (makes a NaN) -> a again it answers a, not b."""
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
    outs = {}
    hs = []
    try:
        for name, sub in model.named_modules():
            if name:
                hs.append(sub.register_forward_hook(lambda m, a, o, n=name: outs.__setitem__(n, o)))
        model(x)
    finally:
        for h in hs:
            h.remove()
    for n, o in outs.items():
        if any(not torch.isfinite(t).all() for t in _tensors(o)):
            return n
    return None
