"""A right solution written differently: numpy's lstsq for least squares, tensors built with torch.tensor(np.asarray),
a functional loop with torch.optim.SGD on list(model.parameters()), checked_mse comparing tuple(shape)s."""
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
    gen = torch.Generator()
    gen.manual_seed(seed)
    x = 10 * torch.rand((n, 1), generator=gen)
    y = f * x
    if noise:
        y = y + torch.randn((n, 1), generator=gen)
    return x, y


def checked_mse(pred, target):
    if tuple(pred.shape) != tuple(target.shape):
        raise ValueError("pred and target shapes differ")
    return F.mse_loss(pred, target)


def _as_column(a):
    if isinstance(a, torch.Tensor):
        return a.detach().to(torch.float32).reshape(-1, 1)
    return torch.tensor(np.asarray(a, dtype=np.float32)).reshape(-1, 1)


def fit_line(x, y, lr=0.01, epochs=1000):
    x, y = _as_column(x), _as_column(y)
    model = LinearModel()
    opt = torch.optim.SGD(list(model.parameters()), lr)
    for _ in range(epochs):
        opt.zero_grad()
        checked_mse(model(x), y).backward()
        opt.step()
    return model


def least_squares(x, y):
    def arr(a):
        if isinstance(a, torch.Tensor):
            a = a.detach().cpu().double().numpy()
        return np.asarray(a, dtype=np.float64).reshape(-1)
    xs, ys = arr(x), arr(y)
    A = np.stack([xs, np.ones_like(xs)], axis=1)
    (w, b), *_ = np.linalg.lstsq(A, ys, rcond=None)
    return float(w), float(b)
