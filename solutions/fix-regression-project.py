"""Reference solution for fix-regression-project (seeds 003-22, 000-22, 003-30). STUB regions hold the seed's code."""

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
    ### BEGIN SOLUTION
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=g) * 10
    y = x * f + (torch.randn(n, 1, generator=g) if noise else 0)
    return x, y
    ### END SOLUTION
    ### BEGIN STUB
    # x = np.random.uniform(0, 10, n).reshape(-1, 1)
    # y = x * f + np.random.randn(n) * (1 if noise else 0)
    # return x, y
    ### END STUB


def checked_mse(pred, target):
    ### BEGIN SOLUTION
    if pred.shape != target.shape:
        raise ValueError(f"prediction {tuple(pred.shape)} and target {tuple(target.shape)} differ in shape")
    return F.mse_loss(pred, target)
    ### END SOLUTION
    ### BEGIN STUB
    # loss_function = nn.MSELoss()
    # return loss_function(pred, target)
    ### END STUB


def fit_line(x, y, lr=0.01, epochs=1000):
    ### BEGIN SOLUTION
    x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    model = LinearModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = checked_mse(model(x), y)
        loss.backward()
        optimizer.step()
    return model
    ### END SOLUTION
    ### BEGIN STUB
    # model = LinearModel()
    # loss_function = nn.MSELoss()
    # optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    # for epoch in range(epochs):
    #     optimizer.zero_grad()
    #     output = model(x)
    #     loss = loss_function(output, y)
    #     loss.backward()
    #     optimizer.step()
    # return model
    ### END STUB


def least_squares(x, y):
    ### BEGIN SOLUTION
    x = torch.as_tensor(x, dtype=torch.float64).reshape(-1, 1)
    y = torch.as_tensor(y, dtype=torch.float64).reshape(-1, 1)
    A = torch.cat([x, torch.ones_like(x)], dim=1)
    w, b = torch.linalg.lstsq(A, y).solution[:, 0].tolist()
    return w, b
    ### END SOLUTION
