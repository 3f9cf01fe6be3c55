"""Computes linear_mse_grads with autograd instead of by hand."""

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
    layer.zero_grad(set_to_none=True)  # .grad accumulates: clear what an earlier backward left
    loss = nn.MSELoss()(out, t)
    loss.backward()
    return {name: p.grad.clone() for name, p in layer.named_parameters()}

def linear_mse_grads(x, W, b, t):
    """(dL/dW, dL/db, dL/dx) for L = mean((x @ W.T + b - t) ** 2), with the shapes of W, b and x."""
    leaves = [a.detach().requires_grad_() for a in (W, b, x)]
    with torch.enable_grad():
        loss = ((leaves[2] @ leaves[0].T + leaves[1] - t) ** 2).mean()
    return torch.autograd.grad(loss, leaves)
