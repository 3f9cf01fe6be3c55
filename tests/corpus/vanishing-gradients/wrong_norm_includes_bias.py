"""Measures the norm of each Linear's weight and bias gradients together."""

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
    """The 2-norm of the weight gradient of every nn.Linear in model.modules() order, as floats, for the loss
    F.mse_loss(model(x), y). Gradients left from earlier backward calls must not count."""
    model.zero_grad(set_to_none=True)
    F.mse_loss(model(x), y).backward()
    return [float(torch.cat([m.weight.grad.reshape(-1), m.bias.grad]).norm()) for m in model.modules() if isinstance(m, nn.Linear)]

def make_stable_deep_net(depth, width):
    """A network from (N, width) to (N, 1) with at least depth nn.Linear(width, width) layers whose first-layer
    weight gradient stays within a factor 100 of its last layer's."""
    class ResidualBlock(nn.Module):
        """x + Linear(sigmoid(LayerNorm(x))): the identity path carries the gradient through every block."""

        def __init__(self):
            super().__init__()
            self.norm = nn.LayerNorm(width)
            self.linear = nn.Linear(width, width)

        def forward(self, x):
            return x + self.linear(torch.sigmoid(self.norm(x)))

    return nn.Sequential(*[ResidualBlock() for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))
