"""Violates "`log` is a new dict from every name of `model.named_parameters()` to a list": takes its keys from model.state_dict(), so buffers (BatchNorm's running_mean, running_var, num_batches_tracked) get keys too."""
import torch


def attach_grad_norm_logger(model):
    log = {k: [] for k in model.state_dict()}
    handles = []
    for name, p in model.named_parameters():
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
                    lambda m, a, o, n=name: found.append(n) if not found and any(not torch.isfinite(t).all() for t in _tensors(o)) else None))
        model(x)
    finally:
        for h in hs:
            h.remove()
    return found[0] if found else None
