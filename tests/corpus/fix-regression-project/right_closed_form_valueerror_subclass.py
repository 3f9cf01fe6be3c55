"""Right: checked_mse raises a subclass of ValueError (a ValueError to every except clause and to pytest.raises), least
squares in closed form and a hand-written SGD step (blind round 16; a grader that compared the exception's type name
exactly refused it)."""

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


class ShapeMismatch(ValueError):
    """A ValueError subclass: the task asks for ValueError, and this is one."""


def checked_mse(pred, target):
    if tuple(pred.shape) != tuple(target.shape):
        raise ShapeMismatch(f"shapes differ: {tuple(pred.shape)} vs {tuple(target.shape)}")
    return F.mse_loss(pred, target)


def _as_col32(a):
    if isinstance(a, np.ndarray):
        a = torch.from_numpy(np.ascontiguousarray(a))
    return a.detach().to(torch.float32).reshape(-1, 1)


def fit_line(x, y, lr=0.01, epochs=1000):
    """SGD written by hand: p.add_(p.grad, alpha=-lr) is what torch.optim.SGD does with no momentum."""
    xt, yt = _as_col32(x), _as_col32(y)
    model = LinearModel()
    params = list(model.parameters())
    for _ in range(epochs):
        for p in params:
            p.grad = None
        loss = checked_mse(model(xt), yt)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-lr)
    return model


def least_squares(x, y):
    """A different algorithm: the closed form w = cov(x, y) / var(x), b = mean(y) - w mean(x), in float64."""
    xs = (x.detach().cpu() if torch.is_tensor(x) else torch.as_tensor(np.asarray(x))).to(torch.float64).reshape(-1)
    ys = (y.detach().cpu() if torch.is_tensor(y) else torch.as_tensor(np.asarray(y))).to(torch.float64).reshape(-1)
    xm, ym = xs.mean(), ys.mean()
    w = ((xs - xm) * (ys - ym)).sum() / ((xs - xm) ** 2).sum()
    b = ym - w * xm
    return float(w), float(b)
