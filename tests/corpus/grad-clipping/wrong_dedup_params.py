"""Violates 'behaving exactly like torch.nn.utils.clip_grad_norm_': parameters are de-duplicated by id, so a parameter listed twice (tied weights) counts once in the total and is scaled once; torch counts it twice and scales it twice."""
import math
import torch
from torch import linalg as LA


def _grads(parameters):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    seen, out = set(), []
    for p in parameters:
        if p.grad is not None and id(p) not in seen:
            seen.add(id(p))
            out.append(p.grad)
    return out


@torch.no_grad()
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    gs = _grads(parameters)
    if not gs:
        return torch.tensor(0.0)
    per = torch.stack([LA.vector_norm(g.detach(), ord=float(norm_type)) for g in gs])
    total = LA.vector_norm(per, ord=float(norm_type))
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in gs:
        g.detach().mul_(coef.to(g.dtype))
    return total


@torch.no_grad()
def clip_grad_value(parameters, clip_value):
    for g in _grads(parameters):
        g.detach().clamp_(min=-clip_value, max=clip_value)
