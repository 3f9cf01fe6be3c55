"""Wrong: logs float(g.float().norm()): the norm of a float64 gradient computed in float32 (about 1e-8 relative error instead of float64's precision)."""
import torch


def log_grad_norms(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        log[name] = []
        handles.append(p.register_hook(lambda g, name=name: log[name].append(float(g.float().norm()))))
    return log, handles


def clamp_grad(t, bound):
    return t.register_hook(lambda g: g.clamp(-bound, bound))


def scale_grad_to_inputs(module, factor):
    def hook(mod, grad_input, grad_output):
        return tuple(None if g is None else g * factor for g in grad_input)
    return module.register_full_backward_hook(hook)
