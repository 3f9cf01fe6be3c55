"""Divides by the batch size only: dL/do = 2 (o - t) / N, right only when there is one output (K = 1)."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    loss = ((o - t) ** 2).mean()
    # dL/do: the mean divides by every element of o, N * K of them; the sign is (o - t).
    d_o = 2.0 * (o - t) / x.shape[0]
    dW2 = d_o.T @ h                  # (K, H): the shape of W2, summed over the batch
    db2 = d_o.sum(0)
    d_h = d_o @ W2                   # dL/dh: through the linear layer, no activation here
    d_z1 = d_h * h * (1.0 - h)       # sigmoid'(z1) = h (1 - h), applied once
    dW1 = d_z1.T @ x
    db1 = d_z1.sum(0)
    dx = d_z1 @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
