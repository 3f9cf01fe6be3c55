"""Violates "the gradient of fn(*inputs).sum() with respect to each input ... zeros for an input that does not contribute": when the output is all zeros the learner returns zeros for every input without running backward ("a zero output has zero gradient"), but out = x * y at y = 0 has gradient x for y."""

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
        if isinstance(out, torch.Tensor) and out.requires_grad and wanted and bool(out.detach().ne(0).any()):
            res = autograd.grad(out.sum(), [proxies[i] for i in wanted], allow_unused=True)
            for i, g in zip(wanted, res):
                got[i] = g
    return tuple(_zeros(t) if g is None else g.detach() for t, g in zip(inputs, got))


def intermediate_grads(fn, *inputs):
    proxies = [t.detach().requires_grad_() if t.is_floating_point() or t.is_complex() else t.detach()
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
