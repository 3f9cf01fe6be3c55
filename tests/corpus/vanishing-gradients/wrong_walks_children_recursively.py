"""linear_grad_norms walks model.children() recursively instead of model.modules(): a model that is itself an nn.Linear
is missed (its list is empty)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    def walk(mod):
        for c in mod.children():
            if isinstance(c, nn.Linear):
                yield c
            yield from walk(c)
    linears = list(walk(model))
    weights = [m.weight for m in linears]
    loss = F.mse_loss(model(x), y)
    grads = torch.autograd.grad(loss, weights, allow_unused=True)
    return [float(torch.linalg.vector_norm(g.to(torch.float64))) if g is not None else 0.0 for g in grads]


class _Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.lin = nn.Linear(width, width)
        self.norm = nn.LayerNorm(width)

    def forward(self, x):
        return self.norm(x + F.relu(self.lin(x)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[_Block(width) for _ in range(depth)], nn.Linear(width, 1))
