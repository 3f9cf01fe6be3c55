"""Violates: "save_static(module, path) writes the captured module to the file path": it writes a frozen copy
(torch.jit.freeze after eval()), whose parameters are inlined constants: the loaded module has no parameters or
state_dict, is in eval mode, and the caller's module is switched to eval mode."""

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
    torch.jit.freeze(module.eval()).save(str(path))


def load_static(path):
    return jit_load(str(path), map_location=torch.device("cpu"))


def branch_free(x):
    return (x * 2).where(x.sum() > 0, x - 10)
