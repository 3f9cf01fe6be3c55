"""Forgets to bind the loop variable in the lambda: every hook logs under the last parameter's name."""

import torch

def log_grad_norms(model):
    """Log, for every parameter that requires grad, the norm of the gradient each backward computes for it.

    Returns (log, handles): log maps each parameter name to a list of floats, one per backward; handles
    holds the hook handles (removing them all stops the logging).
    """
    log = {name: [] for name, p in model.named_parameters() if p.requires_grad}
    handles = []
    for name, p in model.named_parameters():
        if p.requires_grad:
            handles.append(p.register_hook(lambda g: log[name].append(float(g.norm()))))
    return log, handles


def clamp_grad(t, bound):
    """Make every gradient that flows back through tensor t clamped to [-bound, bound]; return the hook handle."""
    return t.register_hook(lambda g: g.clamp(-bound, bound))


def scale_grad_to_inputs(module, factor):
    """Multiply the gradient that module passes back to its inputs by factor (its own parameters' gradients are
    unchanged); return the hook handle."""
    def hook(mod, grad_input, grad_output):
        return tuple(None if g is None else g * factor for g in grad_input)

    return module.register_full_backward_hook(hook)
