"""'Gradients left in .grad by an earlier backward must not count': the norms are read from .grad after backward(), and the stale .grad is cleared only for Linears that have a bias (a 'cleanup' loop guarded on m.bias), so a bias-free Linear adds its old gradient."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    lins = [m for m in model.modules() if isinstance(m, nn.Linear)]
    for m in lins:
        if m.bias is not None:
            m.weight.grad = None
    F.mse_loss(model(x), y).backward()
    grads = [m.weight.grad for m in lins]
    return [0.0 if g is None else float(torch.linalg.vector_norm(g.double())) for g in grads]


class PreNormBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, h):
        return h + self.fc(torch.tanh(self.norm(h)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[PreNormBlock(width) for _ in range(depth)], nn.LayerNorm(width), nn.Linear(width, 1))
