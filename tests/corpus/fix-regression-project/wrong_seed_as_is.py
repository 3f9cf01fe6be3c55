"""The seed's project unchanged: numpy data, a (100, 100) target, numpy arrays fed to the model."""

# %% [markdown]
# # Fix the seed's linear-regression project: a (100, 100) target, numpy arrays fed to a model, silent broadcasting
#
# `fix-regression-project` · fix-bug · easy · about 25 min
#
# The stubs are the seed's project. Fix it so that:
#
# * `make_line(n=100, noise=True, f=1, seed=0)` returns float32 tensors `x` and `y`, both of shape `(n, 1)`, made
#   exactly so: `g = torch.Generator().manual_seed(seed)`, `x = torch.rand(n, 1, generator=g) * 10`, then
#   `y = x * f + torch.randn(n, 1, generator=g)` (or `y = x * f` without noise).
# * `checked_mse(pred, target)` raises `ValueError` when the shapes differ, and is `F.mse_loss` otherwise.
# * `fit_line(x, y, lr=0.01, epochs=1000)` accepts torch tensors or numpy arrays of any float dtype, with y of shape
#   `(n, 1)` or `(n,)`; it trains the seed's `LinearModel` (float32) with full-batch SGD on `checked_mse` and returns
#   the trained model. On a noisy line over [0, 10] it must get within 2% of the least-squares loss.
# * `least_squares(x, y)` returns the least-squares `(w, b)` of `y = w * x + b` as two Python floats (float64
#   arithmetic), from tensors or numpy arrays.
#
# The seed's `make_line` returns a `(100, 100)` target, its loop feeds numpy arrays to the model, and `nn.MSELoss`
# silently broadcasts `(n, 1)` against other shapes.
#
# Check your work: `prep check fix-regression-project`. Stuck? `prep hint fix-regression-project`.

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
    x = np.random.uniform(0, 10, n).reshape(-1, 1)
    y = x * f + np.random.randn(n) * (1 if noise else 0)
    return x, y


def checked_mse(pred, target):
    loss_function = nn.MSELoss()
    return loss_function(pred, target)


def fit_line(x, y, lr=0.01, epochs=1000):
    model = LinearModel()
    loss_function = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        output = model(x)
        loss = loss_function(output, y)
        loss.backward()
        optimizer.step()
    return model


def least_squares(x, y):
    raise NotImplementedError("fix-regression-project: your code here")
