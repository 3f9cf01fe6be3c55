"""Flattens the target with .view(-1) to compute the squared error: right for contiguous inputs, but a
transposed or strided t cannot be viewed that way (reshape would copy), so non-contiguous inputs fail."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    h = torch.sigmoid(x @ W1.T + b1)
    o = h @ W2.T + b2
    diff = o.reshape(-1) - t.view(-1)
    loss = (diff * diff).mean()
    d_o = (2 * diff / diff.numel()).view(o.shape)
    d_z1 = d_o @ W2 * h * (1 - h)
    return loss, {"W1": d_z1.T @ x, "b1": d_z1.sum(0), "W2": d_o.T @ h, "b2": d_o.sum(0), "x": d_z1 @ W1}
