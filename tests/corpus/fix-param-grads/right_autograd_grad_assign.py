"""A correct solution written differently: torch.autograd.grad for the parameters, assigned to .grad by hand; einsum by hand;
frozen parameters are left out of autograd.grad and, like unused ones (allow_unused), map to None with .grad None."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def param_grads(layer, x, t):
    out = layer(x)
    if tuple(out.shape) != tuple(t.shape):
        raise ValueError("the target must have the output's shape")
    named = list(layer.named_parameters())
    live = [p for _, p in named if p.requires_grad]
    grads = iter(torch.autograd.grad(F.mse_loss(out, t), live, allow_unused=True))
    result = {}
    for name, p in named:
        g = next(grads) if p.requires_grad else None
        p.grad = None if g is None else g.detach().clone()
        result[name] = None if g is None else g.detach().clone()
    return result


def linear_mse_grads(x, W, b, t):
    r = torch.einsum("nd,kd->nk", x, W) + b - t
    scale = 2.0 / (r.shape[0] * r.shape[1])
    return scale * torch.einsum("nk,nd->kd", r, x), scale * r.sum(dim=0), scale * torch.einsum("nk,kd->nd", r, W)
