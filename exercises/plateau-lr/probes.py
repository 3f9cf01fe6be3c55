"""Trusted helpers for plateau-lr, run in the worker: drive the learner's PlateauLR with a metric sequence."""

import torch


def run(mod, lrs, kwargs, metrics):
    """get_last_lr() and the groups' lrs after each step(metric), for an SGD with one group per lr."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    opt = torch.optim.SGD(groups, lr=lrs[0])
    sched = mod.PlateauLR(opt, **kwargs)
    last, seen = [], []
    for m in metrics:
        sched.step(m)
        last.append(sched.get_last_lr())
        seen.append([g["lr"] for g in opt.param_groups])
    return {"last_lr": last, "group_lrs": seen}


def construct(mod, n_groups, **kwargs):
    """Build PlateauLR over an SGD with n_groups groups; raises what the constructor raises."""
    opt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))]} for _ in range(n_groups)], lr=0.1)
    mod.PlateauLR(opt, **kwargs)
    return "constructed"
