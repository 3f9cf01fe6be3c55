"""Wrong: each forward hook removes itself after the module's first forward, so a module called twice whose second
forward is the first to finish non-finite (its first was finite) is missed; a later module is named instead."""
import torch


def attach_grad_norm_logger(model):
    log, handles = {}, []
    for name, p in model.named_parameters():
        log[name] = []
        if p.requires_grad:
            handles.append(p.register_hook(lambda g, lst=log[name]: lst.append(float(g.norm()))))
    return log, handles


def _has_nonfinite(out):
    if isinstance(out, torch.Tensor):
        return not bool(torch.isfinite(out).all())
    if isinstance(out, (tuple, list)):
        return any(_has_nonfinite(o) for o in out)
    if isinstance(out, dict):
        return any(_has_nonfinite(o) for o in out.values())
    return False


def first_nonfinite_module(model, x):
    found = []
    handles = []
    hooks_of = {}
    for name, mod in model.named_modules():
        if name == "":
            continue
        def hook(m, inp, out, name=name):
            if not found and _has_nonfinite(out):
                found.append(name)
            h = hooks_of.pop(name, None)
            if h is not None:
                h.remove()
        hooks_of[name] = mod.register_forward_hook(hook)
        handles.append(hooks_of[name])
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
