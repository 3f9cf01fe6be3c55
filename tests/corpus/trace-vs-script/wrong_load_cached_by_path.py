"""Violates: "load_static(path) returns a torch.jit.ScriptModule read from that file": loads are cached by path
(functools.lru_cache), so after the file is written again, load_static returns the old module, and two loads
return the same object (changing one changes the other)."""

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


import functools


@functools.lru_cache(maxsize=None)
def load_static(path):
    return jit_load(str(path), map_location=torch.device("cpu"))


def branch_free(x):
    return (x * 2).where(x.sum() > 0, x - 10)
