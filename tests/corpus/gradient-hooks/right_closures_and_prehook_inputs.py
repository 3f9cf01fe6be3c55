"""A correct solution written differently: a factory of named hooks, torch.clamp, and a tensor hook on an alias of each module input that a forward pre-hook hands the module."""

import torch


def _norm_logger(log, name):
    def hook(grad):
        log[name].append(torch.linalg.vector_norm(grad).item())
    return hook


def log_grad_norms(model):
    log, handles = {}, []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        log[name] = []
        handles.append(p.register_hook(_norm_logger(log, name)))
    return log, handles


def clamp_grad(t, bound):
    def hook(grad):
        return torch.clamp(grad, min=-bound, max=bound)
    return t.register_hook(hook)


class _Handles:
    """Removes a forward pre-hook and any tensor hooks it placed."""

    def __init__(self):
        self.items = []

    def remove(self):
        for h in self.items:
            h.remove()


def scale_grad_to_inputs(module, factor):
    handles = _Handles()

    def pre(mod, args):
        # The module gets its own alias of each input (view_as: a new node), and the hook goes on that alias: only
        # the gradient this call passes back is scaled, not what reaches the input from its other uses.
        out = []
        for a in args:
            if torch.is_tensor(a) and a.requires_grad:
                a = a.view_as(a)
                a.register_hook(lambda g: g * factor)
            out.append(a)
        return tuple(out)

    handles.items.append(module.register_forward_pre_hook(pre))
    return handles
