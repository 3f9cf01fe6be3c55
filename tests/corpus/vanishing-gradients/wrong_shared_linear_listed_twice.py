"""Violates: 'every nn.Linear in model.modules() order'. Uses named_modules(remove_duplicate=False): a Linear shared at two places is listed twice (modules() lists it once)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    linears = [m for _, m in model.named_modules(remove_duplicate=False) if isinstance(m, nn.Linear)]
    loss = F.mse_loss(model(x), y)
    grads = torch.autograd.grad(loss, [m.weight for m in linears], allow_unused=True)
    return [float(g.norm()) if g is not None else 0.0 for g in grads]


class _Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + torch.sigmoid(self.fc(self.norm(x)))


class _Stable(nn.Module):
    def __init__(self, depth, width):
        super().__init__()
        self.blocks = nn.Sequential(*[_Block(width) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 1)

    def forward(self, x):
        return self.head(self.norm(self.blocks(x)))


def make_stable_deep_net(depth, width):
    return _Stable(depth, width)
