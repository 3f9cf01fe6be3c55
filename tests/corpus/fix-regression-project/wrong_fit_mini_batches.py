"""fit_line shuffles the samples each epoch and steps on mini-batches of 16: stochastic, not full-batch, SGD."""

# %%
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# %% [markdown]
# The seed's project generates a line with numpy, then trains a `nn.Linear(1, 1)` on it.
# Run its pieces and look at the shapes and dtypes: `make_line` returns y of shape (100, 100)
# (an (n, 1) array plus an (n,) array broadcast), the model is fed numpy arrays, and
# `nn.MSELoss` broadcasts mismatched shapes with only a warning.

# %%
class LinearModel(nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_line(n=100, noise=True, f=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=g) * 10
    y = x * f + (torch.randn(n, 1, generator=g) if noise else 0)
    return x, y


def checked_mse(pred, target):
    if pred.shape != target.shape:
        raise ValueError(f"prediction {tuple(pred.shape)} and target {tuple(target.shape)} differ in shape")
    return F.mse_loss(pred, target)


def fit_line(x, y, lr=0.01, epochs=1000):
    x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    model = LinearModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 16):
            idx = order[i:i + 16]
            optimizer.zero_grad()
            loss = checked_mse(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
    return model


def least_squares(x, y):
    x = torch.as_tensor(x, dtype=torch.float64).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float64).reshape(-1, 1)
    A = torch.cat([x, torch.ones_like(x)], dim=1)
    w, b = torch.linalg.lstsq(A, y).solution[:, 0].tolist()
    return w, b
