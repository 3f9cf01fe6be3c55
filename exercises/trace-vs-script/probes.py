"""Trusted helpers for trace-vs-script, run in the worker: capture models of the probe's own, run the captures."""

import os
import shutil
import tempfile

import torch
from torch import nn
from grader import drive


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


class NormGate(nn.Module):
    """A Linear and a BatchNorm1d: in training mode (as built) its output is normalized with the batch's own
    statistics, in eval mode with the running ones, so the mode a module is saved in shows in its outputs."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)
        self.norm = nn.BatchNorm1d(4)

    def forward(self, x):
        return self.norm(self.lin(x)) * 2 - 1


MODELS = {"Gate": Gate, "LinearGate": LinearGate, "NormGate": NormGate}


def _build(name, seed, device="cpu"):
    """The model of this name, its parameters drawn from seed (on the CPU, so every device gets the same values), then
    moved to the device the inputs are on (a capture of it, saved and loaded, must still run there)."""
    torch.manual_seed(seed)
    return MODELS[name]().to(device)


def reference(name, seed, inputs):
    """Eager outputs of the probe's model, in the mode it is built in (training) (the judge computes the same from its
    own copy of this file)."""
    model = _build(name, seed, inputs[0].device)
    with drive.grad_mode(False):
        return [model(x) for x in inputs]


def static_outputs(mod, name, seed, example, inputs):
    """Capture with the learner's to_static, then run the capture on each input."""
    model = _build(name, seed, example.device)
    static = mod.to_static(model, example)
    kind = type(static).__module__ + "." + type(static).__qualname__
    report = {"is_script": isinstance(static, torch.jit.ScriptModule), "type": kind, "callable": callable(static)}
    if callable(static):
        with drive.grad_mode(False):
            report["outputs"] = [static(x) for x in inputs]
    return report


STATE = {}


def save_two(mod, name, seeds, examples):
    """Capture two models (built from two seeds) with to_static and write each with save_static to its own new file.
    Reports, for each file, whether it exists and its size (a missing file is the learner's mistake, and the grader
    says so, before anything tries to load it)."""
    folder = tempfile.mkdtemp()
    STATE["paths"] = []
    report = []
    for i, (seed, example) in enumerate(zip(seeds, examples)):
        static = mod.to_static(_build(name, seed, example.device), example)
        path = os.path.join(folder, f"captured_{i}.pt")
        mod.save_static(static, path)
        STATE["paths"].append(path)
        report.append(os.path.getsize(path) if os.path.isfile(path) else None)
    return report


def load_two(mod, inputs):
    """Move the two files to new names, then load_static each (the second first) while the models' Python classes are
    out of reach (taken off this module), then copy the first file over the second one's original path and load that
    path again; run the three loaded modules."""
    moved = []
    for path in STATE["paths"]:
        target = path.replace("captured_", "moved_")
        os.replace(path, target)
        moved.append(target)
    hidden = {k: globals().pop(k) for k in ("Gate", "LinearGate", "MODELS")}
    try:
        loaded = {i: mod.load_static(moved[i]) for i in (1, 0)}
        # then the first file is copied over the path the second capture was saved to: load_static must read what
        # that file holds now (the first capture), not what save_static once wrote there
        shutil.copyfile(moved[0], STATE["paths"][1])
        loaded[2] = mod.load_static(STATE["paths"][1])
    finally:
        globals().update(hidden)
    report = []
    for i in (0, 1, 2):
        m = loaded[i]
        entry = {"is_script": isinstance(m, torch.jit.ScriptModule), "type": type(m).__qualname__,
                 "callable": callable(m)}
        if callable(m):
            with drive.grad_mode(False):
                entry["outputs"] = [m(x) for x in inputs]
        report.append(entry)
    return report


def save_load_same_path(mod, name, seeds, example, inputs):
    """For each seed in turn: capture the model with to_static, save_static it to one and the same path (overwriting
    the file), load_static that path and run the loaded module on the inputs. Returns the outputs per seed."""
    path = os.path.join(tempfile.mkdtemp(), "captured.pt")
    report = []
    for seed in seeds:
        mod.save_static(mod.to_static(_build(name, seed, example.device), example), path)
        loaded = mod.load_static(path)
        entry = {"is_script": isinstance(loaded, torch.jit.ScriptModule), "callable": callable(loaded)}
        if callable(loaded):
            with drive.grad_mode(False):
                entry["outputs"] = [loaded(x) for x in inputs]
        report.append(entry)
    return report


def save_load_scripted(mod, name, seed, inputs):
    """torch.jit.script the model as built (training mode) here, write it with the learner's save_static, read it back
    with load_static and run the loaded module on the inputs."""
    path = os.path.join(tempfile.mkdtemp(), "scripted.pt")
    mod.save_static(torch.jit.script(_build(name, seed, inputs[0].device)), path)
    loaded = mod.load_static(path)
    entry = {"is_script": isinstance(loaded, torch.jit.ScriptModule), "callable": callable(loaded)}
    if callable(loaded):
        with drive.grad_mode(False):
            entry["outputs"] = [loaded(x) for x in inputs]
    return entry


def branch_free_call(mod, x):
    """The learner's branch_free(x), and x as it is after the call."""
    return {"out": mod.branch_free(x), "x_after": x}


def traced_branch_free(mod, example, inputs):
    """torch.jit.trace the learner's branch_free on one example, then run the trace on other inputs."""
    try:
        traced = torch.jit.trace(mod.branch_free, (example,), check_trace=False)
    except Exception as e:  # the learner's branch_free could not be traced: say why, the grader decides
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}
    try:
        return {"outputs": [traced(x) for x in inputs]}
    except Exception as e:  # the trace ran on the example but fails on another input of the same shape
        return {"run_error": f"{type(e).__name__}: {str(e).splitlines()[-1][:200] if str(e) else ''}"}
