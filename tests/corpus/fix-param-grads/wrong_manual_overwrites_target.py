"""Violates "write `linear_mse_grads(x, W, b, t) -> (dW, db, dx)`: the gradients of ...": a function that computes
gradients must leave the caller's tensors as they were, but this one builds the residual in the caller's t
(t.neg_().add_(...)), so t is overwritten."""
import torch
import torch.nn as nn
from torch.nn.functional import mse_loss as mse


def param_grads(layer, x, t):
    out = layer(x)
    if tuple(t.shape) != tuple(out.shape):
        raise ValueError(f"target shape {tuple(t.shape)} != output shape {tuple(out.shape)}")
    layer.zero_grad(set_to_none=True)
    mse(out, t).backward()
    return {name: (None if p.grad is None else p.grad.detach().clone()) for name, p in layer.named_parameters()}


def linear_mse_grads(x, W, b, t):
    r = t.neg_().add_(torch.addmm(b, x, W.t()))  # (N, K), reuses t to save memory
    g = r * (2.0 / r.numel())                   # dL/dout
    dW = torch.einsum("nk,nd->kd", g, x)
    db = g.sum(dim=0)
    dx = torch.einsum("nk,kd->nd", g, W)
    return dW, db, dx
