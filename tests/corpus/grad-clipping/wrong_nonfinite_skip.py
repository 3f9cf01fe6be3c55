"""README: behaving exactly like clip_grad_norm_ (which, with error_if_nonfinite=False, scales by the nan/inf-derived factor). When the total is not finite the gradients are left alone ('a guard'): torch turns them into nan/0."""
import math
import torch
from torch.linalg import vector_norm as _vn


def _grads(parameters):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    return [p.grad for p in list(parameters) if p.grad is not None]


def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    gs = _grads(parameters)
    p = float(norm_type)
    if not gs:
        return torch.tensor(0.0)
    with torch.no_grad():
        per = torch.stack([_vn(g.detach(), ord=p) for g in gs])
        total = _vn(per, ord=p)
        factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        for g in (gs if bool(torch.isfinite(total)) else []):
            g.mul_(factor.to(g.dtype))
    return total


def clip_grad_value(parameters, clip_value):
    with torch.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)
    return None
