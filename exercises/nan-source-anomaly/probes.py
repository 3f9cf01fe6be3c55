"""Trusted helpers for nan-source-anomaly, run in the worker: the functions and models, by name."""

from collections import OrderedDict

import torch
import torch.nn as nn


def _bad_input(x):
    raise ValueError("this function refuses its input")


FUNCTIONS = {
    "sqrt_at_zero": lambda x: torch.sqrt(x) * 0,                                         # SqrtBackward0
    "where_sqrt": lambda x: torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x)),     # SqrtBackward0 (masked NaN)
    "acos_at_one": lambda x: torch.acos(x) * 0,                                          # AcosBackward0
    "div_by_itself": lambda x: x / x,                                                    # DivBackward0
    "exp_overflow": lambda x: torch.exp(x) * 0,                                          # ExpBackward0
    "log_forward_only": lambda x: torch.log(x - 1),                                      # NaN forward, finite backward
    "norm_at_zero": lambda x, y: torch.linalg.vector_norm(x - y),                        # torch defines it: no NaN
    "safe": lambda x: torch.tanh(x) * x,
    "refuses": _bad_input,
}


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
    if name == "tanh_log":  # tanh gives negatives, log of a negative is NaN: module "2"
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), Log(), nn.Linear(8, 2))
    if name == "nested_exp":  # exp overflows to inf in the head: module "head.1"
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


def nan_backward(mod, name, *inputs):
    out = mod.find_nan_backward(FUNCTIONS[name], *inputs)
    return {"value": out, "anomaly_left_on": torch.is_anomaly_enabled(), "grad_mode": torch.is_grad_enabled(),
            "input_grads": [x.grad for x in inputs]}


def nonfinite(mod, name, x):
    m = model(name).to(x.device)
    out = mod.first_nonfinite_module(m, x)
    left = sum(len(sub._forward_hooks) + len(sub._forward_pre_hooks) for sub in m.modules())
    return {"value": out, "hooks_left": left}
