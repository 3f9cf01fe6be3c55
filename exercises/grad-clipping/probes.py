"""Trusted helpers for grad-clipping, run in the worker (and in the judge, with torch's functions, for references)."""

import torch


def _params(grads):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(g.shape if g is not None else (2,), dtype=torch.float64,
                                           device=g.device if g is not None else "cpu"))
        p.grad = None if g is None else g.clone()
        params.append(p)
    return params


def run_norm(fn, grads, max_norm, norm_type=2.0, as_generator=False, single=False):
    params = _params(grads)
    originals = [p.grad for p in params]
    if single:
        total = fn(params[0], max_norm, norm_type)
    else:
        total = fn((p for p in params) if as_generator else params, max_norm, norm_type)
    return {"total": total, "grads": [p.grad for p in params],
            "in_place": all(p.grad is o for p, o in zip(params, originals))}


def run_value(fn, grads, clip_value):
    params = _params(grads)
    originals = [p.grad for p in params]
    out = fn((p for p in params), clip_value)
    return {"returned": out, "grads": [p.grad for p in params],
            "in_place": all(p.grad is o for p, o in zip(params, originals))}


def norm(mod, *args, **kwargs):
    return run_norm(mod.clip_grad_norm, *args, **kwargs)


def value(mod, *args, **kwargs):
    return run_value(mod.clip_grad_value, *args, **kwargs)
