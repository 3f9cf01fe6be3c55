"""Rescales to max_norm even when the total is already below it (normalises instead of clipping)."""

import math

import torch

def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    """Clip the gradients' total norm in place, as torch.nn.utils.clip_grad_norm_ does; return that norm (0-d)."""
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    norm_type = float(norm_type)
    if math.isinf(norm_type):
        norms = [g.detach().abs().max() for g in grads]
        total = torch.stack(norms).max()
    else:
        norms = [torch.linalg.vector_norm(g.detach(), norm_type) for g in grads]
        total = torch.linalg.vector_norm(torch.stack(norms), norm_type)
    coef = max_norm / (total + 1e-6)
    for g in grads:
        g.detach().mul_(coef.to(g.dtype))
    return total


def clip_grad_value(parameters, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value] in place, as torch.nn.utils.clip_grad_value_ does."""
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    for p in parameters:
        if p.grad is not None:
            p.grad.detach().clamp_(min=-clip_value, max=clip_value)
