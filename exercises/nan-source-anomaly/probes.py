"""Helpers for nan-source-anomaly, run in the worker and (a trusted copy) in the judge.

Every graded function and model is drawn per run: the judge draws a *spec* (plain data: input tensors and a list of
operations with argument indices and constants; for models, a list of layers with their weights), the probe builds
the function or model from it and hands it to the learner, and the judge builds the same one from the same spec and
finds the expected answer itself. No case has a name, and neither the code nor the shapes say what the answer is:
only running the backward (or forward) pass does. The probes only call the learner's code and return raw results (its
answers, the caller's tensors' .grad afterwards, the hooks left on a model)."""

from collections import OrderedDict

import torch
import torch.nn as nn

from grader.drawn import build, inputs_of  # noqa: F401 (the judge's side builds the same function)
from grader import drive


def nonfinite_grad(mod, spec, device="cpu", requires_grad=False, outer_no_grad=False):
    """The learner's answer for the function spec describes (what it returned, or the type name of what it raised),
    and the .grad of the caller's inputs afterwards. With outer_no_grad the caller runs it inside torch.no_grad(), and
    the reply also says whether grad mode was still off right after the call (inside the caller's block)."""
    inputs = inputs_of(spec, device, requires_grad)
    if outer_no_grad:
        with drive.grad_mode(False):
            try:
                out = mod.first_nonfinite_grad(build(spec), *inputs)
            except Exception as e:  # the learner's error is the result here
                return {"raised": type(e).__name__, "value": None, "input_grads": [x.grad for x in inputs],
                        "grad_mode_after": torch.is_grad_enabled()}
            return {"raised": None, "value": out, "input_grads": [x.grad for x in inputs],
                    "grad_mode_after": torch.is_grad_enabled()}
    try:
        out = mod.first_nonfinite_grad(build(spec), *inputs)
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "value": None, "input_grads": [x.grad for x in inputs]}
    return {"raised": None, "value": out, "input_grads": [x.grad for x in inputs]}


# Functions with a fixed structure whose broken node has a name no drawn spec gives (the drawn operations all make
# "...Backward0" nodes): x ** e with a tensor exponent makes PowBackward1. The values are drawn per run by the judge.
FIXED_FNS = {
    "tensor_pow": lambda x, e: (x ** e) * 2.0,
}


def nonfinite_grad_fixed(mod, name, inputs):
    """The learner's answer for FIXED_FNS[name] on inputs (what it returned, or the type name of what it raised), and
    the .grad of the caller's inputs afterwards."""
    try:
        out = mod.first_nonfinite_grad(FIXED_FNS[name], *inputs)
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "value": None, "input_grads": [x.grad for x in inputs]}
    return {"raised": None, "value": out, "input_grads": [x.grad for x in inputs]}


def nonfinite_grad_closure(mod, spec, device="cpu"):
    """Like nonfinite_grad, but spec's first input is a tensor fn closes over (a parameter, requiring grad) and only
    the others are passed as inputs: the learner's answer and the .grad of the caller's inputs afterwards."""
    inputs = inputs_of(spec, device, False)
    captured = inputs[0].detach().clone().requires_grad_(True)
    f = build(spec)
    try:
        out = mod.first_nonfinite_grad(lambda *rest: f(captured, *rest), *inputs[1:])
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "value": None, "input_grads": [x.grad for x in inputs[1:]]}
    return {"raised": None, "value": out, "input_grads": [x.grad for x in inputs[1:]]}


class Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


class Sqrt(nn.Module):
    def forward(self, x):
        return torch.sqrt(x)


class Scale(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, x):
        return x * self.c


class Fail(nn.Module):
    """A layer whose forward raises (a shape bug in a real model)."""

    def forward(self, x):
        raise ValueError("Fail: this layer always raises")


class First(nn.Module):
    """Takes the output sequence out of an LSTM's (out, (h, c))."""

    def forward(self, x):
        return x[0]


class Aux(nn.Module):
    """Returns its input with a side output log(x) nested in a container, as models with auxiliary heads do:
    (x, (x, log(x))) for "tuple", {"out": x, "aux": [x, {"log": log(x)}]} for "dict"."""

    def __init__(self, container):
        super().__init__()
        self.container = container

    def forward(self, x):
        side = torch.log(x)
        return (x, (x, side)) if self.container == "tuple" else {"out": x, "aux": [x, {"log": side}]}


class Main(nn.Module):
    """Takes the main output x out of Aux's container."""

    def forward(self, x):
        return x["out"] if isinstance(x, dict) else x[0]


class Net(nn.Sequential):
    """A Sequential whose own forward may end with log(out - shift): a NaN made by the model itself."""

    def __init__(self, blocks, shift=None):
        super().__init__(blocks)
        self.shift = shift

    def forward(self, x):
        out = super().forward(x)
        return out if self.shift is None else torch.log(out - self.shift)


def layer(spec):
    kind = spec[0]
    if kind == "linear":
        weight, bias = spec[1], spec[2]
        m = nn.Linear(weight.shape[1], weight.shape[0])
        with drive.grad_mode(False):
            m.weight.copy_(weight)
            m.bias.copy_(bias)
        return m
    if kind == "lstm":  # ["lstm", weight_ih, weight_hh, bias_ih, bias_hh]: returns (out, (h, c))
        m = nn.LSTM(spec[1].shape[1], spec[2].shape[1])
        with drive.grad_mode(False):
            for p, w in zip((m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0, m.bias_hh_l0), spec[1:5]):
                p.copy_(w)
        return m
    if kind == "aux":  # ["aux", "tuple" or "dict"]
        return Aux(spec[1])
    if kind in ("fail", "first", "main"):
        return {"fail": Fail, "first": First, "main": Main}[kind]()
    return {"tanh": nn.Tanh, "relu": nn.ReLU, "log": Log, "exp": Exp, "sqrt": Sqrt}[kind]() if kind != "scale" \
        else Scale(spec[1])


def model(spec):
    """The model spec describes: {"blocks": [[name, layer] or [name, [layer, ...]] or [name, ["same", other name]]],
    "shift": None or a float}; ["same", other] registers the module already named other a second time."""
    blocks = OrderedDict()
    for name, item in spec["blocks"]:
        if item[0] == "same":
            blocks[name] = blocks[item[1]]
            continue
        blocks[name] = layer(item) if isinstance(item[0], str) else nn.Sequential(*[layer(s) for s in item])
    return Net(blocks, spec["shift"]).double()


def nonfinite(mod, spec, x, catch=False):
    """The learner's answer for the model spec describes, and the hooks left on the model afterwards; with catch, an
    error the learner's code raised is the result (its type name), the hooks left still reported."""
    m = model(spec).to(x.device)
    raised = None
    try:
        out = mod.first_nonfinite_module(m, x)
    except Exception as e:
        if not catch:
            raise
        out, raised = None, type(e).__name__
    left = {}
    for sub_name, sub in m.named_modules():
        n = len(sub._forward_hooks) + len(sub._forward_pre_hooks)
        if n:
            left[sub_name or "(the model itself)"] = n
    glob = torch.nn.modules.module
    n_global = len(glob._global_forward_hooks) + len(glob._global_forward_pre_hooks)
    if n_global:
        left["(global module hooks)"] = n_global
    return {"value": out, "hooks_left": left, "raised": raised}
