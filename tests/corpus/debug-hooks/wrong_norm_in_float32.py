"""Violates "the L2 norm of the gradient computed for that parameter in that pass": casts the gradient to float32 first, so float64 gradients lose precision (about 1e-7 relative), tiny ones (below float32's range) log 0.0 and huge ones (above 3.4e38) inf."""
import torch


def attach_grad_norm_logger(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        log[name] = []
        if not p.requires_grad:
            continue

        def hook(grad, entries=log[name]):
            entries.append(float(grad.detach().float().norm().item()))

        handles.append(p.register_hook(hook))
    return log, handles


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def first_nonfinite_module(model, x):
    found = []
    handles = []

    def make(name):
        def hook(module, args, out):
            if not found and any(not bool(torch.isfinite(t).all()) for t in _tensors(out)):
                found.append(name)
        return hook

    try:
        for name, sub in model.named_modules():
            if name:
                handles.append(sub.register_forward_hook(make(name)))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
