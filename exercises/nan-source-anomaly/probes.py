"""Helpers for nan-source-anomaly, run in the worker: the functions and models, by name. They only call the
learner's code and return raw results (its answers, the caller's tensors' .grad afterwards, the hooks left on a
model); the expected answers live in the graders, in the judge."""

from collections import OrderedDict

import torch
import torch.nn as nn


def _bad_input(x):
    raise ValueError("this function refuses its input")


def _no_graph(x):
    return x.detach() * 2  # backward then raises a RuntimeError that is not about NaN or inf


def _sqrt_then_log(x, y):
    s, lg = torch.sqrt(x), torch.log(y)  # the log's node is created last, so backward runs it first
    return s + lg


def _sqrt_then_log_swapped(x, y):
    s, lg = torch.sqrt(x), torch.log(y)
    return lg + s


def _log_then_sqrt(x, y):
    lg, s = torch.log(y), torch.sqrt(x)  # now the sqrt's node is the last created
    return lg + s


def _reused_in_a_loop(x):
    y = x
    for _ in range(40):  # every step uses y twice: 2 ** 40 paths through the graph, 123 nodes
        y = y * 0.5 + y * 0.5
    return torch.sqrt(y)


FUNCTIONS = {
    "sqrt": lambda x: torch.sqrt(x),
    "sqrt_times_zero": lambda x: torch.sqrt(x) * 0,
    "pow_half": lambda x: x ** 0.5,
    "log": lambda x: torch.log(x),
    "exp": lambda x: torch.exp(x),
    "scaled_sqrt": lambda x: (x * 2).sqrt(),
    "where_sqrt": lambda x: torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x)),
    "div_by_itself": lambda x: x / x,
    "sqrt_then_log": _sqrt_then_log,
    "sqrt_then_log_swapped": _sqrt_then_log_swapped,
    "log_then_sqrt": _log_then_sqrt,
    "log_forward_only": lambda x: torch.log(x - 1),
    "norm_at_zero": lambda x, y: torch.linalg.vector_norm(x - y),
    "reused_in_a_loop": _reused_in_a_loop,
    "safe": lambda x: torch.tanh(x) * x,
    "refuses": _bad_input,
    "no_graph": _no_graph,
}


def nonfinite_grad(mod, name, *inputs):
    """The learner's answer for FUNCTIONS[name], and the .grad of the caller's inputs afterwards."""
    out = mod.first_nonfinite_grad(FUNCTIONS[name], *inputs)
    return {"value": out, "input_grads": [x.grad for x in inputs]}


class Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


class RootLog(nn.Module):
    """The NaN is made in the model's own forward, not in a submodule."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x):
        return torch.log(self.lin(x) - 100.0)


def model(name):
    torch.manual_seed(0)
    if name == "tanh_log":  # tanh gives negatives, log of a negative is NaN
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), Log(), nn.Linear(8, 2))
    if name == "relu_log":  # relu gives exact zeros, log(0) is -inf (no NaN)
        m = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), Log(), nn.Tanh())
        with torch.no_grad():
            m[0].weight[0].fill_(0.0)
            m[0].bias[0] = -1.0
        return m
    if name == "nested_exp":  # exp overflows to inf in the head
        m = nn.Sequential(OrderedDict(enc=nn.Sequential(nn.Linear(4, 6), nn.ReLU()),
                                      head=nn.Sequential(nn.Linear(6, 3), Exp(), nn.Linear(3, 1))))
        with torch.no_grad():
            m.head[0].weight.fill_(40.0)
            m.head[0].bias.fill_(60.0)
        return m
    if name == "finite":
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    if name == "root":
        return RootLog()
    raise KeyError(name)


def nonfinite(mod, name, x):
    m = model(name).to(x.device)
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
