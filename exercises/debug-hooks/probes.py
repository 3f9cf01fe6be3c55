"""Helpers for debug-hooks. In the worker they only drive the learner's functions (backward passes with its hooks,
broken models, repeated calls) and return raw results: its logs, its answers, the model's outputs and the hooks left
on the model afterwards. The judge loads this file too and computes every reference itself."""

import torch
from torch import nn


class Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


class Pair(nn.Module):
    """Returns (x, (x, exp(|x| + scale))): with scale 1000, an inf only deep inside a nested tuple."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        return x, (x, torch.exp(x.abs() + self.scale))


class First(nn.Module):
    def forward(self, pair):
        return pair[0]


class RootLog(nn.Module):
    """The NaN is made in the root's own forward, by no submodule."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)

    def forward(self, x):
        return torch.log(self.lin(x) - 100.0)


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


BROKEN = {
    # name -> builder; the graders know the expected answer for each
    "log_of_negative": lambda: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), Log(), nn.Linear(4, 2)),
    "nested_exp_overflow": lambda: nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), Exp(), nn.Linear(4, 4)),
                                                 nn.Linear(4, 2)),
    "log_of_zero": lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), Log(), nn.Tanh()),
    "nested_tuple": lambda: nn.Sequential(nn.Linear(3, 4), Pair(1000.0), First(), nn.Linear(4, 2)),
    "root_only": RootLog,
    "all_finite": lambda: nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Sequential(nn.Linear(4, 4)), nn.Tanh()),
}


def broken_model(name, seed, device):
    torch.manual_seed(seed)
    model = BROKEN[name]().to(device)
    if name == "log_of_zero":  # a ReLU that outputs exact zeros somewhere in every row: log(0) = -inf, no NaN
        with torch.no_grad():
            model[0].weight[0].fill_(-1.0)
            model[0].weight[0, 0] = 0.0
            model[0].bias[0] = -50.0
    return model


def broken_input(name, seed, device, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(8, 3, generator=g).to(device)
    if name == "nested_exp_overflow":
        x = x * 1e3  # relu then exp of values near 1e3 overflows to inf (no nan anywhere)
    if name == "log_of_negative":
        x[0] = torch.tensor([30.0, -30.0, 30.0])  # some row certainly reaches a negative tanh
        x[1] = -x[0]
    return x * scale


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


def nonfinite(mod, name, seed, device="cpu"):
    model = broken_model(name, seed, device)
    got = mod.first_nonfinite_module(model, broken_input(name, seed, device))
    return {"got": got, "hooks_left": hooks_on(model)}


def nonfinite_repeated(mod, seed, device="cpu"):
    """One model, three calls: overflowing input, small input (all finite), overflowing again; then a plain forward
    of each input. Returns the three answers, the plain outputs and the hooks left."""
    model = broken_model("nested_exp_overflow", seed, device)
    big = broken_input("nested_exp_overflow", seed, device)
    small = big * 1e-3
    answers = [mod.first_nonfinite_module(model, x) for x in (big, small, big)]
    with torch.no_grad():
        plain = [model(small), model(big)]
    return {"answers": answers, "plain": plain, "hooks_left": hooks_on(model)}
