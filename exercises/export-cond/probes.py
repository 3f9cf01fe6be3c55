"""Helpers for export-cond. In the worker they only call the learner's functions (export, save, load) and run the
programs they return, sending back outputs, graph text and error names; the judge computes every reference."""

import os
import tempfile

import torch
from torch import nn
from grader import drive


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


class Elementwise(nn.Module):
    """Works on any shape: nothing in it fixes a non-batch dimension, so only the export's dynamic_shapes do. Its
    input is not called x: dynamic_shapes keyed by the name "x" fit CondGate and MLP only."""

    def forward(self, values):
        return torch.tanh(values) * 3 - 1


def reference_elementwise(inputs):
    return [torch.tanh(x) * 3 - 1 for x in inputs]


def mlp(seed, device="cpu"):
    """The MLP of this seed (drawn on the CPU, so every device gets the same values), on the inputs' device."""
    torch.manual_seed(seed)
    return MLP().to(device)


def reference_mlp(seed, inputs):
    model = mlp(seed, inputs[0].device)
    with drive.grad_mode(False):
        return [model(x) for x in inputs]


def _is_program(ep):
    return isinstance(ep, torch.export.ExportedProgram)


def _run(program, inputs):
    """The program's output on each input, or the name of the error it raised there (a program exported for one
    batch size is expected to refuse another)."""
    outs = []
    for x in inputs:
        try:
            with drive.grad_mode(False):
                outs.append(program(x))
        except Exception as e:
            outs.append(f"{type(e).__name__}")
    return outs


def _report(ep, inputs):
    if not _is_program(ep):
        return {"is_program": False, "type": type(ep).__qualname__}
    return {"is_program": True, "type": "ExportedProgram", "graph": str(ep.graph), "outputs": _run(ep.module(), inputs),
            "upper_bounds": _upper_bounds(ep)}


def _upper_bounds(ep):
    """The upper bound of each symbolic size's range in the program, as text ("int_oo" when it has none)."""
    try:
        return [str(r.upper) for r in ep.range_constraints.values()]
    except Exception as e:
        return f"{type(e).__name__}"


def cond_gate_exported(mod, example, inputs):
    """Export the learner's CondGate with the learner's export_model; run the program on each input."""
    return _report(mod.export_model(mod.CondGate(), example), inputs)


def cond_gate_eager(mod, inputs):
    return [mod.CondGate()(x) for x in inputs]


def if_gate_exports(mod, example):
    """Does the learner's export_model 'export' the Python-if model? Real export must refuse it: the name of the error
    it raised, or what it returned."""
    try:
        ep = mod.export_model(IfGate(), example)
    except Exception as e:
        return {"raised": True, "error": type(e).__name__}
    return {"raised": False, "type": type(ep).__qualname__}


def mlp_exported(mod, seed, example, inputs, dynamic_batch):
    """Export the probe's MLP; run the program on each input (an error is reported by name, per input)."""
    return _report(mod.export_model(mlp(seed, example.device), example, dynamic_batch=dynamic_batch), inputs)


def mlp_exported_or_error(mod, seed, example, inputs, dynamic_batch):
    """mlp_exported, or the name of the error export_model raised (torch.export refuses to make a dimension of size 1
    dynamic)."""
    try:
        ep = mod.export_model(mlp(seed, example.device), example, dynamic_batch=dynamic_batch)
    except Exception as e:
        return {"raised": True, "error": type(e).__name__}
    return {"raised": False, **_report(ep, inputs)}


def mlp_exported_twice(mod, seed, first, first_dynamic, second, second_dynamic, inputs):
    """One model object exported twice (first at example first, then at second, each with its own dynamic_batch);
    the second program run on each input: a program kept from the first call would answer for the wrong settings."""
    model = mlp(seed, first.device)
    mod.export_model(model, first, dynamic_batch=first_dynamic)
    return _report(mod.export_model(model, second, dynamic_batch=second_dynamic), inputs)


def mlp_exported_after_update(mod, seed, example, inputs):
    """One model object exported at example, its parameters then replaced by negated ones (new tensors, as
    load_state_dict(..., assign=True) puts them in: a program shares the tensors it was exported with, so an in-place
    change would show in an old program too), and exported again at the same example: the second program run on each
    input. A program kept from the first call (a cache keyed by the model, the example's shape or the flags) would
    answer with the old weights."""
    model = mlp(seed, example.device)
    mod.export_model(model, example, dynamic_batch=False)
    with drive.grad_mode(False):
        for layer in (model.a, model.b):
            layer.weight = nn.Parameter(-layer.weight.detach())
            layer.bias = nn.Parameter(-layer.bias.detach())
    return _report(mod.export_model(model, example, dynamic_batch=False), inputs)


def reference_mlp_negated(seed, inputs):
    """reference_mlp for the MLP of this seed with every weight negated (what mlp_exported_after_update exports
    second)."""
    model = mlp(seed, inputs[0].device)
    with drive.grad_mode(False):
        for p in model.parameters():
            p.mul_(-1)
        return [model(x) for x in inputs]


def elementwise_exported(mod, example, inputs):
    """Export the probe's Elementwise model with dynamic_batch=True; run the program on each input (an error is
    reported by name, per input)."""
    return _report(mod.export_model(Elementwise(), example, dynamic_batch=True), inputs)


STATE = {}


def save_two(mod, seeds, example):
    """Export two MLPs (two seeds, dynamic batch) and write each with save_exported to its own new file; the size of
    each file, or None where there is none."""
    folder = tempfile.mkdtemp()
    STATE["paths"] = []
    sizes = []
    for i, seed in enumerate(seeds):
        ep = mod.export_model(mlp(seed, example.device), example, dynamic_batch=True)
        path = os.path.join(folder, f"model_{i}.pt2")
        mod.save_exported(ep, path)
        STATE["paths"].append(path)
        sizes.append(os.path.getsize(path) if os.path.isfile(path) else None)
    return sizes


def load_two(mod, inputs):
    """Load the first file once, then move it to a new name and the second file to the name the first had (a path
    saved to and loaded from earlier now holds the other program), load_exported each (the second first), run the
    loaded programs."""
    first, second = STATE["paths"]
    mod.load_exported(first)  # a caller that already read this path once
    moved = [first.replace("model_", "moved_"), first]
    os.replace(first, moved[0])
    os.replace(second, moved[1])
    loaded = {i: mod.load_exported(moved[i]) for i in (1, 0)}
    return [_report(loaded[i], inputs) for i in (0, 1)]
