"""Helpers for debug-hooks, run in the worker and (a trusted copy) in the judge. In the worker they only drive the
learner's functions (backward passes with its hooks, models, repeated calls) and return raw results: its logs, its
answers, the model's outputs and the hooks left on the model afterwards.

Every model first_nonfinite_module is graded on is drawn per run: the judge draws a *spec* (plain data: nested blocks
with random names, layers with their float64 weights, maybe a NaN made by the root's own forward) and an input, the
probe builds the model with `model(spec)` (the one builder, so no code object or class says where the answer is) and
hands it to the learner, and the judge builds its own copy from the same spec and finds the answer with forward hooks
itself."""

from collections import OrderedDict

import torch
from torch import nn


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


class Pair(nn.Module):
    """Returns (x, (x, exp(|x| + c))) (or with the inner pair swapped): an inf, when exp overflows, only deep inside
    a nested tuple."""

    def __init__(self, c, swap):
        super().__init__()
        self.c, self.swap = c, swap

    def forward(self, x):
        big = torch.exp(x.abs() + self.c)
        return x, ((big, x) if self.swap else (x, big))


class First(nn.Module):
    def forward(self, pair):
        return pair[0]


class Net(nn.Sequential):
    """A Sequential whose own forward may end with log(out - shift): a NaN made by the root itself, by no submodule."""

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
    if kind == "scale":
        return Scale(spec[1])
    if kind == "pair":
        return Pair(spec[1], bool(spec[2]))
    return {"tanh": nn.Tanh, "relu": nn.ReLU, "log": Log, "exp": Exp, "sqrt": Sqrt, "first": First}[kind]()


def block(items):
    """[[name, item], ...] -> OrderedDict of modules; an item is a layer spec (a list starting with its kind) or
    ["seq", [[name, item], ...]] for a nested Sequential."""
    out = OrderedDict()
    for name, item in items:
        out[name] = nn.Sequential(block(item[1])) if item[0] == "seq" else layer(item)
    return out


def model(spec):
    """The model spec describes: {"blocks": [[name, item], ...], "shift": None or a float}, in float64."""
    return Net(block(spec["blocks"]), spec["shift"]).double()


def mlp(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Sequential(nn.Linear(5, 4), nn.ReLU()), nn.Linear(4, 1)).to(device)


def grad_inputs(seed, device, n=3):
    g = torch.Generator().manual_seed(seed + 1)
    return [torch.randn(6, 3, generator=g).to(device) for _ in range(n)]


def loss_of(model, x):
    return model(x).pow(2).sum()


def grad_log(mod, seed, device="cpu"):
    """Two backward passes without zeroing, then every returned handle removed and a third."""
    model = mlp(seed, device)
    xs = grad_inputs(seed, device)
    log, handles = mod.attach_grad_norm_logger(model)
    for x in xs[:2]:
        loss_of(model, x).backward()
    for h in handles if isinstance(handles, (list, tuple)) else []:
        h.remove()
    loss_of(model, xs[2]).backward()
    return {"log": {k: list(v) for k, v in log.items()} if isinstance(log, dict) else log,
            "handles": len(handles) if isinstance(handles, (list, tuple)) else -1}


def grad_log_twice(mod, seed, device="cpu"):
    """Two calls on one model, both kept, then two backward passes: each log should get two entries."""
    model = mlp(seed, device)
    xs = grad_inputs(seed, device)
    log1, _ = mod.attach_grad_norm_logger(model)
    log2, _ = mod.attach_grad_norm_logger(model)
    for x in xs[:2]:
        loss_of(model, x).backward()
    copy = lambda log: {k: list(v) for k, v in log.items()} if isinstance(log, dict) else log  # noqa: E731
    return {"first": copy(log1), "second": copy(log2)}



def hooks_on(model):
    """The hooks attached to each module of the model (by name) and the global module hooks, right now."""
    per_module = {}
    for name, m in model.named_modules():
        n = sum(len(getattr(m, attr, {})) for attr in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                                                         "_backward_pre_hooks"))
        if n:
            per_module[name or "(the model itself)"] = n
    glob = torch.nn.modules.module
    n_global = sum(len(getattr(glob, attr, {})) for attr in ("_global_forward_hooks", "_global_forward_pre_hooks",
                                                             "_global_backward_hooks", "_global_backward_pre_hooks"))
    if n_global:
        per_module["(global module hooks)"] = n_global
    return per_module


def nonfinite(mod, spec, x):
    """The learner's answer for the model spec describes on input x, and the hooks left on the model afterwards."""
    m = model(spec).to(x.device)
    got = mod.first_nonfinite_module(m, x)
    return {"got": got, "hooks_left": hooks_on(m)}


def nonfinite_repeated(mod, spec, xs):
    """One model, one call per input of xs in that order; then a plain forward pass of each input. Returns the
    answers, the plain outputs and the hooks left."""
    m = model(spec).to(xs[0].device)
    answers = [mod.first_nonfinite_module(m, x) for x in xs]
    with torch.no_grad():
        plain = [m(x) for x in xs]
    return {"answers": answers, "plain": plain, "hooks_left": hooks_on(m)}
