"""WRONG: fit_line converts numpy arrays to float32 but keeps a torch tensor's own dtype unless it is float64, so a torch float16 tensor reaches nn.Linear as half (the task: torch tensors or numpy arrays of any float dtype, float16 to float64)."""
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


def _as32(a):
    return torch.as_tensor(np.asarray(a) if not isinstance(a, torch.Tensor) else a).to(torch.float32).reshape(-1, 1)


def _conv(a):
    if isinstance(a, np.ndarray):
        return torch.from_numpy(a.astype(np.float32)).reshape(-1, 1)
    a = a.reshape(-1, 1)
    return a.float() if a.dtype == torch.float64 else a


def fit_line(x, y, lr=0.01, epochs=1000):
    x, y = _conv(x), _conv(y)
    model = LinearModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = checked_mse(model(x), y)
        loss.backward()
        optimizer.step()
    return model


def least_squares(x, y):
    x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x).to(torch.float64).reshape(-1)
    y = torch.as_tensor(np.asarray(y) if not isinstance(y, torch.Tensor) else y).to(torch.float64).reshape(-1)
    A = torch.stack([x, torch.ones_like(x)], dim=1)
    sol = torch.linalg.lstsq(A, y.unsqueeze(1)).solution.reshape(-1)
    return float(sol[0]), float(sol[1])
