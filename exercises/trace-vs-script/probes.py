"""Trusted helpers for trace-vs-script, run in the worker: capture models of the probe's own, run the captures."""

import os
import tempfile

import torch
from torch import nn


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


class LinearGate(nn.Module):
    """A parameter, a branch on the output's values, and a loop whose count depends on the input."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        h = self.lin(x)
        if h.mean() > 0:
            h = torch.relu(h)
        else:
            h = -h
        for _ in range(int(x.abs().max() > 1.0) + 1):
            h = h * 0.5 + 1.0
        return h


MODELS = {"Gate": Gate, "LinearGate": LinearGate}


def _build(name, seed):
    torch.manual_seed(seed)
    return MODELS[name]()


def reference(name, seed, inputs):
    """Eager outputs of the probe's model (the judge computes the same from its own copy of this file)."""
    model = _build(name, seed)
    with torch.no_grad():
        return [model(x) for x in inputs]


def static_outputs(mod, name, seed, example, inputs):
    """Capture with the learner's to_static, then run the capture on each input."""
    model = _build(name, seed)
    static = mod.to_static(model, example)
    kind = type(static).__module__ + "." + type(static).__qualname__
    is_script = isinstance(static, torch.jit.ScriptModule)
    with torch.no_grad():
        outs = [static(x) for x in inputs]
    return {"is_script": is_script, "type": kind, "outputs": outs}


def round_trip(mod, name, seed, example, inputs):
    """to_static, save_static to a fresh file, load_static in place of the model, run the loaded capture."""
    model = _build(name, seed)
    static = mod.to_static(model, example)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "captured.pt")
    mod.save_static(static, path)
    del static, model
    loaded = mod.load_static(path)
    is_script = isinstance(loaded, torch.jit.ScriptModule)
    with torch.no_grad():
        outs = [loaded(x) for x in inputs] if callable(loaded) else []
    return {"is_script": is_script, "file_bytes": os.path.getsize(path), "outputs": outs}


def traced_branch_free(mod, example, inputs):
    """torch.jit.trace the learner's branch_free on one example, then run the trace on other inputs."""
    traced = torch.jit.trace(mod.branch_free, (example,), check_trace=False)
    return [traced(x) for x in inputs]
