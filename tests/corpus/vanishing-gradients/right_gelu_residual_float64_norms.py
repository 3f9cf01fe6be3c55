"""A correct solution written differently: norms summed in float64 from backward's .grad after clearing it by hand,
and residual blocks h + W2 gelu(W1 LayerNorm(h)) with two square Linear layers each, held in a ModuleList."""

import math

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
    for p in model.parameters():
        p.grad = None
    F.mse_loss(model(x), y).backward()
    return [math.sqrt(float(m.weight.grad.double().pow(2).sum())) for m in linears]


class Net(nn.Module):
    def __init__(self, depth, width):
        super().__init__()
        blocks = (depth + 1) // 2
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(blocks))
        self.up = nn.ModuleList(nn.Linear(width, width) for _ in range(blocks))
        self.down = nn.ModuleList(nn.Linear(width, width) for _ in range(blocks))
        self.final_norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 1)

    def forward(self, h):
        for norm, up, down in zip(self.norms, self.up, self.down):
            h = h + down(F.gelu(up(norm(h))))
        return self.head(self.final_norm(h))


def make_stable_deep_net(depth, width):
    return Net(depth, width)
