"""Trusted helpers for vanishing-gradients, run in the worker: build the networks, measure with trusted code."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def sigmoid_mlp(depth, width):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))


class _Res(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.inner = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, width), nn.Tanh())

    def forward(self, x):
        return x + self.inner(x)


def residual_tanh(depth, width):
    return nn.Sequential(*[_Res(width) for _ in range(depth)], nn.Linear(width, 1))


def trusted_norms(model, x, y):
    model.zero_grad(set_to_none=True)
    F.mse_loss(model(x), y).backward()
    norms = [float(m.weight.grad.norm()) for m in model.modules() if isinstance(m, nn.Linear)]
    model.zero_grad(set_to_none=True)
    return norms


def _setup(model, seed, width, device, batch=32):
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, width, generator=g).to(device)
    y = torch.randn(batch, 1, generator=g).to(device)
    return model.to(device), x, y


def measure(mod, which, depth, width, seed, device, stale=False):
    """The learner's norms and the trusted ones, for the probe's networks."""
    torch.manual_seed(seed)
    model = {"sigmoid": sigmoid_mlp, "residual": residual_tanh}[which](depth, width)
    model, x, y = _setup(model, seed, width, device)
    want = trusted_norms(model, x, y)
    if stale:
        for p in model.parameters():
            p.grad = torch.randn_like(p) * 10
    return {"got": mod.linear_grad_norms(model, x, y), "want": want}


def stable(mod, depth, width, seed, device):
    """Build the learner's stable net and measure it with trusted code; describe its structure."""
    torch.manual_seed(seed)
    model = mod.make_stable_deep_net(depth, width)
    if not isinstance(model, nn.Module):
        return {"is_module": False}
    model, x, y = _setup(model, seed, width, device)
    out = model(x)
    square = [m for m in model.modules() if isinstance(m, nn.Linear) and m.in_features == width
              and m.out_features == width]
    return {"is_module": True, "out_shape": list(out.shape), "square_linears": len(square),
            "linears": sum(isinstance(m, nn.Linear) for m in model.modules()),
            "norms": trusted_norms(model, x, y)}
