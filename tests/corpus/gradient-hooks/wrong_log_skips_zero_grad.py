"""'every backward through the model appends, for each parameter, the 2-norm ... of the gradient that backward computed for it': a gradient that is all zeros is skipped (nothing appended), so a parameter whose gradient is exactly zero (dead ReLU, zero input) gets fewer entries than backwards."""
import torch
from functools import partial


def _record(store, grad):
    if grad.any():
        store.append(float(torch.linalg.vector_norm(grad)))


def log_grad_norms(model):
    log, handles = {}, []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        log[name] = []
        handles.append(param.register_hook(partial(_record, log[name])))
    return log, handles


class _Clamp:
    def __init__(self, bound):
        self.bound = bound

    def __call__(self, grad):
        return torch.clamp(grad, min=-self.bound, max=self.bound)


def clamp_grad(t, bound):
    return t.register_hook(_Clamp(bound))


def scale_grad_to_inputs(module, factor):
    def hook(mod, grad_input, grad_output):
        return tuple(None if g is None else g * factor for g in grad_input)

    return module.register_full_backward_hook(hook)
