"""The seed's script: indexes the Linear layer (layer[0]), which raises TypeError."""

import torch
import torch.nn as nn

def param_grads(layer, x, t):
    """{name: gradient} of nn.MSELoss()(layer(x), t) for every named parameter of layer, for this batch only.

    Afterwards each parameter's .grad holds exactly that gradient. Raises ValueError if t's shape differs
    from the output's.
    """
    loss_function = nn.MSELoss()
    output_tensor = layer(x)
    loss = loss_function(output_tensor, t)
    loss.backward()
    return layer[0].grad

def linear_mse_grads(x, W, b, t):
    """(dL/dW, dL/db, dL/dx) for L = mean((x @ W.T + b - t) ** 2), with the shapes of W, b and x."""
    d = 2.0 * (x @ W.T + b - t) / t.numel()
    return d.T @ x, d.sum(0), d @ W
