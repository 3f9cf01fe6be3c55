"""Breaks "`load_static(path)` returns a `torch.jit.ScriptModule` read from that file": save_static writes the file and also keeps the module in a dict keyed by the path; load_static returns that kept module when it has one (right after a save to that path, wrong once the file there was replaced by another), torch.jit.load otherwise."""
import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    return torch.jit.script(model)


_KEEP = {}


def save_static(module, path):
    torch.jit.save(module, path)
    _KEEP[str(path)] = module


def load_static(path):
    return _KEEP.get(str(path)) or torch.jit.load(path)


def branch_free(x):
    return torch.where(x.sum() > 0, x * 2, x - 10)
