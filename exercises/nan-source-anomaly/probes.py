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

# name: number of value arguments (then constants)
OPS = {
    "sqrt": 1, "log": 1, "exp": 1, "tanh": 1, "sin": 1, "pow": 1, "scale": 1, "shift": 1, "relu": 1,
    "sum": 1, "rowsum": 1, "detach": 1, "check": 1, "guard": 1, "loop": 1,
    "add": 2, "sub": 2, "mul": 2, "div": 2, "where": 3,
}


class Guard(torch.autograd.Function):
    """The identity, whose backward refuses a negative incoming gradient (a backward error that is not about NaN)."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        if bool((grad < 0).any()):
            raise RuntimeError("guard: this function refuses a negative gradient")
        return grad


def build(spec, trace=None):
    """The function spec describes, as fn(*inputs) -> loss (its last value, summed when spec["reduce"]); every
    value it computes is appended to trace (a list) when one is given."""
    ops = [list(op) for op in spec["ops"]]
    reduce = bool(spec.get("reduce", False))

    def fn(*inputs):
        v = list(inputs)
        for op in ops:
            name, k = op[0], OPS[op[0]]
            a = [v[i] for i in op[1:1 + k]]
            c = op[1 + k:]
            if name == "sqrt":
                r = torch.sqrt(a[0])
            elif name == "log":
                r = torch.log(a[0])
            elif name == "exp":
                r = torch.exp(a[0])
            elif name == "tanh":
                r = torch.tanh(a[0])
            elif name == "sin":
                r = torch.sin(a[0])
            elif name == "pow":
                r = a[0] ** c[0]
            elif name == "scale":
                r = a[0] * c[0]
            elif name == "shift":
                r = a[0] + c[0]
            elif name == "relu":
                r = a[0].clamp(min=0.0)
            elif name == "sum":
                r = a[0].sum()
            elif name == "rowsum":
                r = a[0].sum(-1, keepdim=True)
            elif name == "detach":
                r = a[0].detach()
            elif name == "check":
                if not bool((a[0] > 0).all()):
                    raise ValueError("this function refuses an input that is not positive")
                r = a[0]
            elif name == "loop":
                r = a[0]
                for _ in range(int(c[0])):  # every step uses r twice: 2 ** steps paths through the graph
                    r = r * 0.5 + r * 0.5
            elif name == "guard":
                r = Guard.apply(a[0])
            elif name == "add":
                r = a[0] + a[1]
            elif name == "sub":
                r = a[0] - a[1]
            elif name == "mul":
                r = a[0] * a[1]
            elif name == "div":
                r = a[0] / a[1]
            else:  # where
                r = torch.where(a[0] > 0, a[1], a[2])
            v.append(r)
            if trace is not None:
                trace.append(r)
        return v[-1].sum() if reduce else v[-1]

    return fn


def inputs_of(spec, device="cpu", requires_grad=False):
    """Fresh copies of spec's input tensors on device."""
    return [x.detach().to(device).clone().requires_grad_(requires_grad) for x in spec["inputs"]]


def nonfinite_grad(mod, spec, device="cpu", requires_grad=False):
    """The learner's answer for the function spec describes (what it returned, or the type name of what it raised),
    and the .grad of the caller's inputs afterwards."""
    inputs = inputs_of(spec, device, requires_grad)
    try:
        out = mod.first_nonfinite_grad(build(spec), *inputs)
    except Exception as e:  # the learner's error is the result here
        return {"raised": type(e).__name__, "value": None, "input_grads": [x.grad for x in inputs]}
    return {"raised": None, "value": out, "input_grads": [x.grad for x in inputs]}


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
        with torch.no_grad():
            m.weight.copy_(weight)
            m.bias.copy_(bias)
        return m
    return {"tanh": nn.Tanh, "relu": nn.ReLU, "log": Log, "exp": Exp, "sqrt": Sqrt}[kind]() if kind != "scale" \
        else Scale(spec[1])


def model(spec):
    """The model spec describes: {"blocks": [[name, layer] or [name, [layer, ...]]], "shift": None or a float}."""
    blocks = OrderedDict()
    for name, item in spec["blocks"]:
        blocks[name] = layer(item) if isinstance(item[0], str) else nn.Sequential(*[layer(s) for s in item])
    return Net(blocks, spec["shift"]).double()


def nonfinite(mod, spec, x):
    m = model(spec).to(x.device)
    out = mod.first_nonfinite_module(m, x)
    left = {}
    for sub_name, sub in m.named_modules():
        n = len(sub._forward_hooks) + len(sub._forward_pre_hooks)
        if n:
            left[sub_name or "(the model itself)"] = n
    glob = torch.nn.modules.module
    n_global = len(glob._global_forward_hooks) + len(glob._global_forward_pre_hooks)
    if n_global:
        left["(global module hooks)"] = n_global
    return {"value": out, "hooks_left": left}
