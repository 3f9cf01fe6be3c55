"""Bias gradients summed with keepdim=True: shape (1, H) and (1, K) where b1 is (H,) and b2 is (K,)."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    h = torch.sigmoid(x @ W1.T + b1)
    o = h @ W2.T + b2
    loss = ((o - t) ** 2).mean()
    d_o = 2 * (o - t) / o.numel()
    d_z1 = d_o @ W2 * h * (1 - h)
    return loss, {"W1": d_z1.T @ x, "b1": d_z1.sum(0, keepdim=True), "W2": d_o.T @ h,
                  "b2": d_o.sum(0, keepdim=True), "x": d_z1 @ W1}
