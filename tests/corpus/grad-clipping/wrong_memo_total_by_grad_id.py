"""WRONG: caches the total per id() of the first gradient tensor, so a second call on the same parameters after
their gradients changed in place reuses the first total (right on every first call; caught before only when
CPython reused an id, under some seeds) (round 19, h3)."""
import math

import torch

_MEMO = {}


def _grads(parameters):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = _grads(parameters)
    if not grads:
        return torch.tensor(0.0)
    p = float(norm_type)
    key = (id(grads[0]), p)
    if key in _MEMO:
        total = _MEMO[key]
        with torch.no_grad():
            coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
            for g in grads:
                g.mul_(coef)
        return total
    with torch.no_grad():
        norms = torch.stack([torch.linalg.vector_norm(g.detach(), p) for g in grads])
        total = torch.linalg.vector_norm(norms, p)
        coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))
    _MEMO[key] = total
    return total


def clip_grad_value(parameters, clip_value):
    with torch.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)
    return None
