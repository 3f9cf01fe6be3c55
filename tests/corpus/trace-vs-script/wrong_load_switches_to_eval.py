"""Violates: "load_static(path) returns a torch.jit.ScriptModule read from that file": the loaded module is switched
to eval mode, so a module saved in training mode comes back in eval mode (BatchNorm/Dropout behave differently)."""

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
    return jit_load(str(path), map_location=torch.device("cpu")).eval()


def branch_free(x):
    return (x * 2).where(x.sum() > 0, x - 10)
