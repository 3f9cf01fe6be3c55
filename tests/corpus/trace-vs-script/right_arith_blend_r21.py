"""Right (seed reader, from the Chinese README): keeps the seed's idea of one straight-line computation, blending the
two branches arithmetically with c = (sum > 0) cast to x's dtype: x * (1 + c) - 10 * (1 - c). For c = 1 that is
2x - 0 and for c = 0 it is x - 10, exactly (x * 2 does not overflow, no infinities), in x's dtype (int64 too); a NaN
sum gives c = 0."""
import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    static_graph = torch.jit.script(model)
    return static_graph


def save_static(module, path):
    module.save(path)


def load_static(path):
    return torch.jit.load(path)


def branch_free(x):
    c = (x.sum() > 0).to(x.dtype)
    return x * (1 + c) - 10 * (1 - c)
