"""Violates: 'log is a dict from each parameter name (as in named_parameters() ...)'. Uses named_parameters(remove_duplicate=False): a tied/shared parameter gets an extra key (e.g. both 'emb.weight' and 'head.weight'), each logging the same gradient."""
import math

import torch


def log_grad_norms(model):
    log, handles = {}, []
    for name, param in model.named_parameters(remove_duplicate=False):
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
        return tuple(map(lambda g: None if g is None else g * factor, grad_input))
    handle = module.register_full_backward_hook(hook)
    return handle
