"""Wrong: branch_free picks the branch with a boolean-mask index and masked_scatter. Eager it is right, but
torch.jit.trace on a 0-d example freezes the number of selected elements, so the trace made on a 0-d x of one sign
raises ("Number of elements of source < number of ones in mask") on a 0-d x of the other sign; the task asks for
a trace that is right for both signs for any shape, 0-d included."""
import io

import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


def to_static(model, example):
    scripted = torch.jit.script(model)
    # round-trip through memory so the result is a freshly loaded ScriptModule
    buf = io.BytesIO()
    torch.jit.save(scripted, buf)
    buf.seek(0)
    return torch.jit.load(buf)


def save_static(module, path):
    with open(path, "wb") as fh:
        torch.jit.save(module, fh)


def load_static(path):
    with open(path, "rb") as fh:
        return torch.jit.load(io.BytesIO(fh.read()))


def branch_free(x):
    # both branches, selected by a 0-d condition broadcast over x
    cond = (x.sum() > 0).expand(x.shape)
    out = x - 10
    return out.masked_scatter(cond, (x * 2)[cond]) if x.numel() else out
