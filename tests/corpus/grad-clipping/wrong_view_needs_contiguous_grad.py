"""Violates 'accept a single tensor or any iterable of tensors' with 'behaving exactly like clip_grad_norm_': the total is computed on torch.cat([g.view(-1)]), which raises for a non-contiguous gradient (p.grad set to a transposed tensor), where torch clips it."""
import math
import torch
from torch import linalg as LA


def _grads(parameters):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


@torch.no_grad()
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    gs = _grads(parameters)
    if not gs:
        return torch.tensor(0.0)
    total = LA.vector_norm(torch.cat([g.detach().view(-1) for g in gs]), ord=float(norm_type))
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in gs:
        g.detach().mul_(coef.to(g.dtype))
    return total


@torch.no_grad()
def clip_grad_value(parameters, clip_value):
    for g in _grads(parameters):
        g.detach().clamp_(min=-clip_value, max=clip_value)
