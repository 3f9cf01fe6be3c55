"""Violates: "each the gradient of the loss ... with exactly its shape and dtype": upcasts half/bfloat16 inputs to
float32 "for stability" and forgets to cast back, so float16/bfloat16 inputs get float32 gradients and a float32
loss (float32 and float64 inputs are unaffected)."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    x, W1, b1, W2, b2, t = (v.to(torch.promote_types(v.dtype, torch.float32)) for v in (x, W1, b1, W2, b2, t))
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
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
