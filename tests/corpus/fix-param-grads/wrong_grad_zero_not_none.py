"""Violates "A parameter that gets none (frozen, or unused by the forward) maps to None and its .grad is None
afterwards": zeroes .grad in place (zero_grad(set_to_none=False)) and reports a zero gradient for a parameter that
gets none, leaving zeros in its .grad."""
import torch
from torch import nn
import torch.nn.functional as Fn


def param_grads(layer, x, t):
    out = layer(x)
    if tuple(t.shape) != tuple(out.shape):
        raise ValueError(f"target shape {tuple(t.shape)} != output shape {tuple(out.shape)}")
    named = list(layer.named_parameters())
    layer.zero_grad(set_to_none=False)
    Fn.mse_loss(out, t).backward()
    result = {}
    for name, p in named:
        result[name] = torch.zeros_like(p) if p.grad is None else p.grad.detach().clone()
    return result


def linear_mse_grads(x, W, b, t):
    resid = torch.addmm(b, x, W.transpose(0, 1)) - t
    scale = 2.0 / resid.numel()
    g = resid * scale
    dW = torch.einsum("nk,nd->kd", g, x)
    db = g.sum(dim=0)
    dx = torch.einsum("nk,kd->nd", g, W)
    return dW, db, dx
