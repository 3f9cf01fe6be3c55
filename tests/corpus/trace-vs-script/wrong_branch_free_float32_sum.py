"""Violates "`branch_free(x)`: the same values as `Gate()(x)` (x * 2 if x.sum() > 0, else x - 10)": the condition is computed on x.float(), so a float64 x with a tiny positive sum (x = [1.0, -1.0 + 2**-40], or 1e-300) sums to 0 in float32 and takes the x - 10 branch."""
import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    return torch.jit.script(model)


def save_static(module, path):
    torch.jit.save(module, path)


def load_static(path):
    return torch.jit.load(path)


def branch_free(x):
    return torch.where(x.float().sum() > 0, x * 2, x - 10)
