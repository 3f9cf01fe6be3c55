"""Violates "Return a dict with exactly the same names, each mapped to the gradient of out.sum() with respect to that tensor" (a gradient has its tensor's dtype): intermediate_grads runs fn on float64 copies of the inputs "for exact gradients", so for float32 inputs every intermediate (and its gradient) comes back float64."""

import torch
from torch import autograd


def _zeros(t):
    return torch.zeros(t.shape, dtype=t.dtype, device=t.device)


def grads_of(fn, *inputs):
    proxies = [t.detach().requires_grad_() if t.is_floating_point() or t.is_complex() else t.detach()
               for t in inputs]
    with torch.enable_grad():
        out = fn(*proxies)
        wanted = [i for i, p in enumerate(proxies) if p.requires_grad]
        got = [None] * len(inputs)
        if isinstance(out, torch.Tensor) and out.requires_grad and wanted:
            res = autograd.grad(out.sum(), [proxies[i] for i in wanted], allow_unused=True)
            for i, g in zip(wanted, res):
                got[i] = g
    return tuple(_zeros(t) if g is None else g.detach() for t, g in zip(inputs, got))


def intermediate_grads(fn, *inputs):
    proxies = [t.detach().double().requires_grad_() if t.is_floating_point() else t.detach()
               for t in inputs]
    with torch.enable_grad():
        out, named = fn(*proxies)
        keys = list(named)
        live = [k for k in keys if named[k].requires_grad]
        result = {k: None for k in keys}
        if out.requires_grad and live:
            res = autograd.grad(out.sum(), [named[k] for k in live], allow_unused=True)
            result.update(zip(live, res))
    return {k: (_zeros(named[k]) if g is None else g.detach()) for k, g in result.items()}
