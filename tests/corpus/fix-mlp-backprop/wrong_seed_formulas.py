"""The seed's formulas as they stand (the stub): delta = t - o without 2/(N*K), and sigmoid' applied twice."""

import torch


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    z1 = x @ W1.T + b1
    h = torch.sigmoid(z1)
    o = h @ W2.T + b2
    loss = ((o - t) ** 2).mean()
    sigmoid_prime = h * (1 - h)
    # the seed's delta: dL/dz = d(z . y)/dz = y - z
    delta = t - o
    dW2 = delta.T @ h                      # dL/dWeight = Gradient . Input
    db2 = delta.sum(0)                     # dL/dBias = Gradient
    grad_h = delta @ W2 * sigmoid_prime    # dL/dInput = Gradient . Weight . Activation'
    delta_h = grad_h * sigmoid_prime       # Gradient = (...) . Sigmoid'(Input . Weight + Bias)
    dW1 = delta_h.T @ x
    db1 = delta_h.sum(0)
    dx = delta_h @ W1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
