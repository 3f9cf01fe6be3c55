"""Violates: "the same values as Gate()(x)" (Gate leaves x alone): computes the result in place on the caller's x
(x.mul_(...).sub_(...)), so the caller's tensor is overwritten with the output."""

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
    c = x.sum() > 0
    return x.mul_(torch.where(c, 2, 1)).sub_(torch.where(c, 0, 10))
