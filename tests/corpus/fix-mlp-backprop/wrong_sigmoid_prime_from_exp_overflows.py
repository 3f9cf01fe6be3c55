"""Violates: "The gradients must equal autograd's to 1e-10 in float64": sigmoid' is written as
exp(-z)/(1+exp(-z))**2; for z < -710 (float64) or z < -88 (float32) exp(-z) overflows and inf/inf gives NaN where
autograd gives 0 (a saturated unit), so every gradient through that unit becomes NaN."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    diff = o - t
    loss = (diff ** 2).mean()
    d_o = diff * (2.0 / diff.numel())
    dW2 = d_o.T @ h
    db2 = d_o.sum(0)
    dh = d_o @ W2
    e = torch.exp(-z1)
    dz1 = dh * (e / (1 + e) ** 2)
    dW1 = dz1.T @ x
    db1 = dz1.sum(0)
    dx = dz1 @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
