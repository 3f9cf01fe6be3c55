"""Angle: state/caching: results memoized by id(model) ("the network does not change within
a measurement"): a second call after a training step or with new data returns stale norms. Breaks: "for the loss
`F.mse_loss(model(x), y)`" of this call. Public pass.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    """The network that vanishes: depth x (Linear(width, width), Sigmoid), then Linear(width, 1)."""
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


_CACHE = {}


def linear_grad_norms(model, x, y):
    if id(model) not in _CACHE:
        _CACHE[id(model)] = _norms(model, x, y)
    return list(_CACHE[id(model)])


def _norms(model, x, y):
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.enable_grad():
        loss = F.mse_loss(model(x), y)
        grads = torch.autograd.grad(loss, [m.weight for m in linears], allow_unused=True)
    return [0.0 if g is None else float(g.norm()) for g in grads]


class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + torch.tanh(self.fc(self.norm(x)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[Residual(width) for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))
