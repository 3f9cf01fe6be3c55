"""Angle: assistant answer (written as a right file, relabelled after measuring): residual blocks
x + relu(Linear(x)) without any normalisation. The residual stream grows with depth, so at depth 40 the last
Linear's input is huge while the first's is not: ratio ~1e-3. Breaks: "whose first `nn.Linear`'s weight gradient
stays within a factor 100 of its last `nn.Linear`'s ... for depth 20 and 40 and any seed". Norms via backward
after zero_grad (right).
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
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        F.mse_loss(model(x), y).backward()
    return [0.0 if m.weight.grad is None else m.weight.grad.norm().item() for m in linears]


class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + torch.relu(self.fc(x))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[Residual(width) for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))
