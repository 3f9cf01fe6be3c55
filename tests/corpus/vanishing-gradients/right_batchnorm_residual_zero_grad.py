"""Angle: the other algorithm. zero_grad(set_to_none=True) then backward and read each Linear's .grad
(earlier gradients cleared, so they cannot count); the stable net is a residual stack with BatchNorm1d instead of
LayerNorm (post-activation residual x + Linear(relu(BN(x))) still keeps an identity path).
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


def linear_grad_norms(model, x, y):
    lins = [m for m in model.modules() if isinstance(m, nn.Linear)]
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        F.mse_loss(model(x), y).backward()
    return [0.0 if m.weight.grad is None else torch.linalg.vector_norm(m.weight.grad).item() for m in lins]


class _Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.BatchNorm1d(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + self.fc(torch.relu(self.norm(x)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[_Residual(width) for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))
