"""Right: the per-gradient norms through a helper compiled with torch.compile at default settings (graded with
Dynamo tracing it and the eager backend: inductor cannot run in a sealed worker, and this exercise bans clip_grad,
whose source inductor would read for its cache key)."""
import torch


@torch.compile
def _norm(g, p: float):
    return torch.linalg.vector_norm(g, p)


@torch.no_grad()
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    p = float(norm_type)
    norms = [_norm(g, p) for g in grads]
    total = torch.linalg.vector_norm(torch.stack(norms), p)
    coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    torch._foreach_mul_(grads, coef)
    return total


@torch.no_grad()
def clip_grad_value(parameters, clip_value):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    for p in parameters:
        if p.grad is not None:
            p.grad.clamp_(-clip_value, clip_value)
