"""Violates "the same values as Gate()(x) (x * 2 if x.sum() > 0, else x - 10)": the condition uses x.nansum(), so a NaN in x is skipped: with x = [nan, 1] Gate takes x - 10 (nan > 0 is False) but this takes x * 2."""

import torch
from torch import jit, nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    return jit.script(model)


def save_static(module, path):
    jit.save(module, str(path))


def load_static(path):
    return jit.load(str(path))


def branch_free(x):
    positive = torch.gt(torch.nansum(x), 0)
    return torch.where(positive, torch.mul(x, 2), torch.sub(x, 10))
