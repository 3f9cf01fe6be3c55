"""Violates: "Do not modify the inputs": stores each gradient in the input tensor's .grad attribute, "like autograd
does", so the caller's x, W1, b1, W2, b2 come back with a .grad they did not have (an optimizer would step on it)."""

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
    dz1 = dh * (h * (1 - h))
    dW1 = dz1.T @ x
    db1 = dz1.sum(0)
    dx = dz1 @ W1
    for v, g in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (x, dx)):
        v.grad = g
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
