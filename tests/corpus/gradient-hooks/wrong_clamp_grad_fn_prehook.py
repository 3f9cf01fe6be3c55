"""Violates: 'every gradient flowing back through tensor t ... is clamped'. The hook is a pre-hook on t.grad_fn that clamps grad_outputs[0]: for a leaf t it raises AttributeError, and when t is not output 0 of a multi-output op (b in a, b = x.split(2), values of torch.max) it clamps a sibling's gradient instead of t's."""
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
    return t.grad_fn.register_prehook(lambda grad_outputs: (hook(grad_outputs[0]),) + tuple(grad_outputs[1:]))


def scale_grad_to_inputs(module, factor):
    def hook(mod, grad_input, grad_output):
        return tuple(map(lambda g: None if g is None else g * factor, grad_input))
    handle = module.register_full_backward_hook(hook)
    return handle
