"""A correct solution written differently: pre-norm ReLU residual blocks built by hand, grads read via named_modules."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    for p in model.parameters():
        p.grad = None
    loss = F.mse_loss(model(x), y)
    linears = [m for _, m in model.named_modules() if isinstance(m, nn.Linear)]
    grads = torch.autograd.grad(loss, [m.weight for m in linears])
    return [torch.linalg.vector_norm(g).item() for g in grads]


class _Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.ln = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, h):
        return h + F.relu(self.fc(self.ln(h)))


class _Net(nn.Module):
    def __init__(self, depth, width):
        super().__init__()
        self.blocks = nn.ModuleList(_Block(width) for _ in range(depth))
        self.head = nn.Linear(width, 1)

    def forward(self, h):
        for block in self.blocks:
            h = block(h)
        return self.head(h)


def make_stable_deep_net(depth, width):
    return _Net(depth, width)
