"""Trusted helpers for debug-hooks, run in the worker: backward passes with the learner's hooks, broken models."""

import copy

import torch
from torch import nn


class Log(nn.Module):
    def forward(self, x):
        return torch.log(x)


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


def mlp(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Sequential(nn.Linear(5, 4), nn.ReLU()), nn.Linear(4, 1)).to(device)


def grad_log(mod, seed, device="cpu"):
    """Two backward passes without zeroing, then remove the hooks and do a third."""
    model = mlp(seed, device)
    g = torch.Generator().manual_seed(seed + 1)
    xs = [torch.randn(6, 3, generator=g).to(device) for _ in range(3)]
    twin = copy.deepcopy(model)  # the reference, without the learner's hooks
    log, handles = mod.attach_grad_norm_logger(model)
    want = {n: [] for n, _ in twin.named_parameters()}
    for x in xs[:2]:
        grads = torch.autograd.grad(twin(x).pow(2).sum(), list(twin.parameters()))
        for (n, _), gr in zip(twin.named_parameters(), grads):
            want[n].append(gr.norm().item())
        model(x).pow(2).sum().backward()
    for h in handles:
        h.remove()
    model(xs[2]).pow(2).sum().backward()
    return {"log": {k: list(v) for k, v in log.items()} if isinstance(log, dict) else repr(log), "want": want}


BROKEN = {
    # name: (builder, input maker) -> the expected first non-finite module
    "log_of_negative": lambda: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), Log(), nn.Linear(4, 2)),
    "nested_exp_overflow": lambda: nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), Exp(), nn.Linear(4, 4)),
                                                 nn.Linear(4, 2)),
    "all_finite": lambda: nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Sequential(nn.Linear(4, 4)), nn.Tanh()),
}


def nonfinite(mod, name, seed, device="cpu"):
    torch.manual_seed(seed)
    model = BROKEN[name]().to(device)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(8, 3, generator=g).to(device)
    if name == "nested_exp_overflow":
        x = x * 1e3  # relu then exp of values near 1e3 overflows to inf (no nan anywhere)
    got = mod.first_nonfinite_module(model, x)
    left = sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())
    return {"got": got, "hooks_left": left}
