"""Violates "log is a new dict from every name of model.named_parameters() to a list; at every backward pass each list gets one Python float": hooks are put only on the .weight / .bias of each submodule, so a parameter with any other name (an nn.Parameter "scale" or "alpha" held by a custom module, or by the root) never gets an entry logged."""

import torch


def attach_grad_norm_logger(model):
    log = {name: [] for name, _ in model.named_parameters()}
    handles = []
    for mname, mod in model.named_modules():
        for attr in ("weight", "bias"):
            p = getattr(mod, attr, None)
            if isinstance(p, torch.nn.Parameter) and p.requires_grad:
                key = f"{mname}.{attr}" if mname else attr
                if key in log:
                    handles.append(p.register_hook(
                        lambda g, _k=key: log[_k].append(float(torch.linalg.vector_norm(g.double())))))
    return log, handles


def _bad(obj):
    if isinstance(obj, torch.Tensor):
        return bool((~torch.isfinite(obj)).any())
    if isinstance(obj, tuple):
        return any(_bad(o) for o in obj)
    return False


def first_nonfinite_module(model, x):
    hits, handles = [], []
    try:
        for name, mod in model.named_modules():
            if name:
                handles.append(mod.register_forward_hook(
                    lambda m, i, o, _n=name: hits.append(_n) if _bad(o) else None))
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return hits[0] if hits else None
