"""linear_grad_norms computes every norm in float32: for a float64 model whose gradients are below ~1e-20 (a 26-layer
sigmoid MLP) the squares underflow and the norm is far off (or 0)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    weights = [m.weight for m in linears]
    loss = F.mse_loss(model(x), y)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [float(torch.linalg.vector_norm(g.to(torch.float32))) if g is not None else 0.0 for g in grads]


class _Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.lin = nn.Linear(width, width)
        self.norm = nn.LayerNorm(width)

    def forward(self, x):
        return self.norm(x + F.relu(self.lin(x)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[_Block(width) for _ in range(depth)], nn.Linear(width, 1))
