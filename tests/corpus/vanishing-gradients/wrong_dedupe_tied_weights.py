"""'the 2-norm of the weight gradient of every nn.Linear in model.modules() order': Linears are deduplicated by their weight Parameter, so two Linear modules sharing one weight (tied) give one entry instead of two."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


def linear_grad_norms(model, x, y):
    seen, lins = set(), []
    for m in model.modules():
        if isinstance(m, nn.Linear) and id(m.weight) not in seen:
            seen.add(id(m.weight))
            lins.append(m)
    loss = F.mse_loss(model(x), y)
    grads = torch.autograd.grad(loss, [m.weight for m in lins], allow_unused=True)
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
