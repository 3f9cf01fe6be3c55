"""Breaks: "`least_squares(x, y)` returns the least-squares `(w, b)` ... (float64 arithmetic), from tensors or numpy arrays of any float dtype". Converts the inputs through float32 first (then float64 arithmetic): float64 inputs lose their low digits."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LinearModel(nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_line(n=100, noise=True, f=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=g) * 10
    y = x * f + torch.randn(n, 1, generator=g) if noise else x * f
    return x, y


def checked_mse(pred, target):
    if pred.shape != target.shape:
        raise ValueError(f"shape mismatch: {tuple(pred.shape)} vs {tuple(target.shape)}")
    return F.mse_loss(pred, target)


def fit_line(x, y, lr=0.01, epochs=1000):
    x = torch.as_tensor(x).float().reshape(-1, 1)
    y = torch.as_tensor(y).float().reshape(-1, 1)
    model = LinearModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = checked_mse(model(x), y)
        loss.backward()
        optimizer.step()
    return model


def least_squares(x, y):
    x = torch.as_tensor(x, dtype=torch.float32).double().reshape(-1)
    y = torch.as_tensor(y, dtype=torch.float32).double().reshape(-1)
    xm, ym = x.mean(), y.mean()
    w = ((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum()
    b = ym - w * xm
    return float(w), float(b)
