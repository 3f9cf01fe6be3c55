"""Trusted helpers for lr-schedules, run in the worker: evaluate the learner's schedules and training loop."""

import torch


def sequence(mod, name, n, kwargs):
    """The learner's closed-form schedule at t = 0 .. n-1, as returned (floats expected)."""
    fn = getattr(mod, name)
    return [fn(t, **kwargs) for t in range(n)]


def scheduler_run(mod, lrs, steps, kwargs):
    """Drive the learner's WarmupCosine over an SGD with one param group per lr.

    Returns the groups' lrs at construction and after every step, and get_last_lr() after every step.
    """
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    opt = torch.optim.SGD(groups, lr=lrs[0])
    sched = mod.WarmupCosine(opt, **kwargs)
    seen = [[g["lr"] for g in opt.param_groups]]
    last = []
    for _ in range(steps):
        opt.step()
        sched.step()
        seen.append([g["lr"] for g in opt.param_groups])
        last.append(sched.get_last_lr())
    return {"group_lrs": seen, "last_lr": last}


def train_run(mod, weight, bias, X, y, **kwargs):
    """Train a Linear model holding the given weights with the learner's train(); return lrs and final weights."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    lrs = mod.train(model, X, y, **kwargs)
    return {"lrs": lrs, "weight": model.weight.detach().clone(), "bias": model.bias.detach().clone()}
