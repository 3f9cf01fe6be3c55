"""Violates: 'multiplies the gradient the module passes back to each of its inputs' without touching anything else. grad_input is multiplied in place (g.mul_) and the hook returns None: for a module whose grad_input is grad_output itself or a view of it (nn.Identity, nn.Flatten, a reshape), the caller's own gradient tensor (y.backward(g)) is overwritten."""
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
        for g in grad_input:
            if g is not None:
                g.mul_(factor)
    handle = module.register_full_backward_hook(hook)
    return handle
