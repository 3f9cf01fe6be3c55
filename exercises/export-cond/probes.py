"""Trusted helpers for export-cond, run in the worker: export models, run the exported programs."""

import os
import tempfile

import torch
from torch import nn


class IfGate(nn.Module):
    """The eager version: a Python if on a value, which torch.export cannot capture."""

    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 8)
        self.b = nn.Linear(8, 3)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


def mlp(seed):
    torch.manual_seed(seed)
    return MLP()


def mlp_reference(seed, inputs):
    model = mlp(seed)
    with torch.no_grad():
        return [model(x) for x in inputs]


def _is_program(ep):
    return isinstance(ep, torch.export.ExportedProgram)


def cond_gate_exported(mod, example, inputs):
    """Export the learner's CondGate with the learner's export_model; run the program's module."""
    ep = mod.export_model(mod.CondGate(), example)
    if not _is_program(ep):
        return {"is_program": False, "type": type(ep).__qualname__, "outputs": []}
    m = ep.module()
    return {"is_program": True, "type": "ExportedProgram", "outputs": [m(x) for x in inputs],
            "has_cond": any("cond" in str(n.target) for n in ep.graph.nodes if n.op == "call_function")}


def cond_gate_eager(mod, inputs):
    return [mod.CondGate()(x) for x in inputs]


def if_gate_exports(mod, example):
    """Does the learner's export_model 'export' the Python-if model? Real export must refuse it."""
    works = _is_program(mod.export_model(mlp(0), torch.zeros(2, 4, device=example.device)))
    try:
        ep = mod.export_model(IfGate(), example)
    except Exception as e:
        return {"works": works, "raised": True, "error": type(e).__name__}
    return {"works": works, "raised": False, "is_program": _is_program(ep)}


def mlp_exported(mod, seed, example, inputs, dynamic_batch):
    """Export the probe's MLP; run the program on each input (an error is reported per input)."""
    ep = mod.export_model(mlp(seed), example, dynamic_batch=dynamic_batch)
    if not _is_program(ep):
        return {"is_program": False, "outputs": []}
    m = ep.module()
    outs = []
    for x in inputs:
        try:
            with torch.no_grad():
                outs.append(m(x))
        except Exception as e:
            outs.append(f"{type(e).__name__}")
    return {"is_program": True, "outputs": outs}


def round_trip(mod, seed, example, inputs):
    """Export the MLP (dynamic batch), save_exported to a file, load_exported, run the loaded program."""
    ep = mod.export_model(mlp(seed), example, dynamic_batch=True)
    path = os.path.join(tempfile.mkdtemp(), "model.pt2")
    mod.save_exported(ep, path)
    del ep
    loaded = mod.load_exported(path)
    if not _is_program(loaded):
        return {"is_program": False, "outputs": []}
    m = loaded.module()
    with torch.no_grad():
        return {"is_program": True, "outputs": [m(x) for x in inputs]}
