"""Right, written differently: module.save / torch.jit.load with map_location, a 0/1 mask in x's dtype for branch_free."""
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
    module.save(str(path))


def load_static(path):
    return torch.jit.load(str(path), map_location="cpu")


def branch_free(x):
    m = (x.sum() > 0).to(x.dtype)
    return m * (x * 2) + (1 - m) * (x - 10)
