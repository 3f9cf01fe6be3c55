"""Violates "`log` is a new dict from every name of `model.named_parameters()` to a list": registers a tensor hook on every parameter, frozen ones too, and p.register_hook raises on a tensor that does not require grad, so a model with a frozen layer gets no log at all."""
import torch


def attach_grad_norm_logger(model):
    log, handles = {}, []
    for name, p in model.named_parameters():
        log[name] = []
        handles.append(p.register_hook(lambda g, name=name: log[name].append(g.norm().item())))
    return log, handles


def first_nonfinite_module(model, x):
    found = []

    def tensors(value):
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (tuple, list)):
            for v in value:
                yield from tensors(v)

    def check(name):
        def hook(module, inputs, output):
            if not found and any(not bool(torch.isfinite(t).all()) for t in tensors(output)):
                found.append(name)
        return hook

    handles = [m.register_forward_hook(check(name)) for name, m in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
