"""Violates: "the same values as Gate()(x) ... for any shape": uses float literals (x * 2.0, x - 10.0) and a float
mask blend; an integer x gives a float32 result where Gate()(x) keeps x's int dtype."""

import torch
from torch import nn
from torch.jit import script as to_script, load as jit_load


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    return to_script(model)


def save_static(module, path):
    module.save(str(path))


def load_static(path):
    return jit_load(str(path), map_location=torch.device("cpu"))


def branch_free(x):
    return (x * 2.0).where(x.sum() > 0, x - 10.0)
