"""Violates: 'multiplies ... by factor' for each registered hook. The factor is stored on the module (module._grad_factor) and read at backward time: two scale_grad_to_inputs calls on one module with factors 2 and 3 give 3 * 3 = 9 instead of 6 (the first hook sees the second factor)."""
import math

import torch


def log_grad_norms(model):
    log, handles = {}, []
    for name, param in model.named_parameters():
        if param.requires_grad:
            log[name] = bucket = []
            handles.append(param.register_hook(lambda g, bucket=bucket: bucket.append(math.sqrt(float((g * g).sum())))))
    return log, handles


def clamp_grad(t, bound):
    def hook(grad):
        lo = torch.full_like(grad, -bound)
        hi = torch.full_like(grad, bound)
        return torch.minimum(torch.maximum(grad, lo), hi)
    return t.register_hook(hook)


def scale_grad_to_inputs(module, factor):
    def hook(mod, grad_input, grad_output):
        return tuple(map(lambda g: None if g is None else g * mod._grad_factor, grad_input))
    module._grad_factor = factor
    handle = module.register_full_backward_hook(hook)
    return handle
