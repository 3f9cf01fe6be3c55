"""A correct solution written differently: the total norm of all (detached) gradients concatenated into one vector,
scaling only when the factor is below 1."""

import torch


def _grads(parameters):
    params = [parameters] if torch.is_tensor(parameters) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    grads = _grads(parameters)
    if len(grads) == 0:
        return torch.tensor(0.0)
    flat = torch.cat([g.detach().reshape(-1) for g in grads])
    if norm_type == float("inf"):
        total = flat.abs().max()
    else:
        total = flat.abs().pow(norm_type).sum().pow(1.0 / norm_type)
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        with torch.no_grad():
            for g in grads:
                g *= scale
    return total


def clip_grad_value(parameters, clip_value):
    with torch.no_grad():
        for g in _grads(parameters):
            torch.clamp(g, -clip_value, clip_value, out=g)
