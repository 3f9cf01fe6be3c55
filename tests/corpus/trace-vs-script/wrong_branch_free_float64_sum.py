"""Violates "`branch_free(x)`: the same values and dtype as `Gate()(x)` (x * 2 if x.sum() > 0, else x - 10)": the
condition is taken on a float64 sum (a "numerically careful" cast), so an int64 x whose exact sum is small and positive
but whose entries pass 2**53 (x = [2**53 + 1, -2**53]: 2**53 + 1 rounds to 2**53) sums to 0 and takes the x - 10
branch; a float32 x with a near-cancelling sum can take the other branch too. Blind round 19 (h2)."""
import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    m = torch.jit.script(model)
    return m


def save_static(module, path):
    module.save(str(path))


def load_static(path):
    return torch.jit.load(str(path), map_location="cpu")


def branch_free(x):
    cond = x.to(torch.float64).sum() > 0
    if x.is_floating_point():
        d = x.to(torch.float64)
        return torch.where(cond, d * 2, d - 10).to(x.dtype)
    return torch.where(cond, x * 2, x - 10)
