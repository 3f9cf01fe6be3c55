"""Trusted helpers for fix-param-grads, run in the worker."""

import torch
import torch.nn as nn


def make_layer(kind, params):
    """An nn.Linear(5, 3) or a small Sequential, with the given parameter values."""
    layer = nn.Linear(5, 3) if kind == "linear" else nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    layer = layer.to(dtype=params[0].dtype, device=params[0].device)
    with torch.no_grad():
        for p, v in zip(layer.parameters(), params):
            p.copy_(v)
    return layer


def param_grads(mod, kind, params, x, t, stale=None, calls=1):
    """Call the learner's param_grads (calls times); optionally put stale gradients in .grad first."""
    layer = make_layer(kind, params)
    if stale is not None:
        for p, g in zip(layer.parameters(), stale):
            p.grad = g.clone()
    x = x.detach()
    for _ in range(calls):
        got = mod.param_grads(layer, x, t)
    return {"value": got, "left_in_grad": {n: p.grad for n, p in layer.named_parameters()}, "x_grad": x.grad}


class _NoAutograd:
    """Switch off torch.autograd.grad / backward while learner code runs (restored afterwards)."""

    def __enter__(self):
        self.saved = (torch.autograd.grad, torch.autograd.backward, torch.Tensor.backward)

        def refuse(*a, **k):
            raise RuntimeError("autograd is off limits in linear_mse_grads: use the chain rule")

        torch.autograd.grad = torch.autograd.backward = refuse
        torch.Tensor.backward = refuse
        self.no_grad = torch.no_grad()
        self.no_grad.__enter__()
        return self

    def __exit__(self, *exc):
        self.no_grad.__exit__(*exc)
        torch.autograd.grad, torch.autograd.backward, torch.Tensor.backward = self.saved
        return False


def manual(mod, x, W, b, t):
    with _NoAutograd():
        out = mod.linear_mse_grads(x, W, b, t)
    return list(out) if isinstance(out, tuple) else out
