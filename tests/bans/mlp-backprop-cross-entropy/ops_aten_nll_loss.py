"""Channel: torch.ops.aten.nll_loss_nd on a log-softmax (the ATen operator, reached by its qualified name)."""

import torch


def _grads_by_hand(x, y, W1, b1, W2, b2, d_z2):
    h = torch.tanh(x @ W1.T + b1)
    d_z1 = (d_z2 @ W2) * (1 - h * h)
    return {"W1": d_z1.T @ x, "b1": d_z1.sum(0), "W2": d_z2.T @ h, "b2": d_z2.sum(0), "x": d_z1 @ W1}


def _logits(x, W1, b1, W2, b2):
    return torch.tanh(x @ W1.T + b1) @ W2.T + b2


def _softmax_minus_onehot(z, y):
    p = torch.softmax(z, dim=1)
    p[torch.arange(z.shape[0]), y] -= 1
    return p / z.shape[0]


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    z = _logits(x, W1, b1, W2, b2)
    loss = torch.ops.aten.nll_loss_nd(torch.log_softmax(z, dim=1), y)
    return loss, _grads_by_hand(x, y, W1, b1, W2, b2, _softmax_minus_onehot(z, y))
