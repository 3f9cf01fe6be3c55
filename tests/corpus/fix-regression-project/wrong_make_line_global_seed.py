"""Violates: 'made exactly so: g = torch.Generator().manual_seed(seed)'. Seeds the global RNG with torch.manual_seed(seed) instead: the values are the same, but every make_line call resets the caller's global RNG (a later fit_line's initialisation, dropout, ... all replay from seed)."""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class LinearModel(nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)


def make_line(n=100, noise=True, f=1, seed=0):
    g = torch.manual_seed(seed)
    x = 10 * torch.rand((n, 1), generator=g)
    return (x, x * f + torch.randn((n, 1), generator=g)) if noise else (x, x * f)


def checked_mse(pred, target):
    if pred.size() != target.size():
        raise ValueError(f"{pred.size()} != {target.size()}")
    return F.mse_loss(input=pred, target=target)


def _tensor64(a):
    return torch.as_tensor(np.array(a, dtype=np.float64) if not torch.is_tensor(a) else a.detach()).double().flatten()


def fit_line(x, y, lr=0.01, epochs=1000):
    X = torch.as_tensor(x).detach().to(torch.float32).view(-1, 1) if torch.is_tensor(x) else torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).reshape(-1, 1)
    Y = torch.as_tensor(y).detach().to(torch.float32).reshape(-1, 1) if torch.is_tensor(y) else torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32)).reshape(-1, 1)
    model = LinearModel()
    sgd = torch.optim.SGD(params=model.parameters(), lr=lr)
    for _ in range(epochs):
        sgd.zero_grad(set_to_none=True)
        checked_mse(model(X), Y).backward()
        sgd.step()
    return model


def least_squares(x, y):
    xv, yv = _tensor64(x), _tensor64(y)
    n = xv.numel()
    sx, sy = xv.sum(), yv.sum()
    cov = (xv * yv).sum() - sx * sy / n
    var = (xv * xv).sum() - sx * sx / n
    w = cov / var
    b = (sy - w * sx) / n
    return w.item(), b.item()
