"""Trusted helpers for lr-schedules, run in the worker: evaluate the learner's schedules, drive its WarmupCosine with
the shared harness grader.drive.lr_trajectory (the graders drive torch's SequentialLR with the same function in the
judge), and hand its train() a model. They return raw results."""

import torch

from grader import drive


def sequence(mod, name, n, kwargs):
    """The learner's closed-form schedule at t = 0 .. n-1, as returned (Python floats expected)."""
    fn = getattr(mod, name)
    return [fn(t, **kwargs) for t in range(n)]


def scheduler_run(mod, lrs, steps, kwargs, write=False):
    """Drive the learner's WarmupCosine over an SGD with one param group per lr (drive.lr_trajectory).

    Returns the groups' lrs at construction and after every step(), and what get_last_lr() returned at those times.
    With `write`, a copy of each returned list is kept, then the caller writes -1.0 into every entry of the returned
    list itself before the next step(), as a caller owning it may.
    """
    last = []

    def keep(values):
        if write and isinstance(values, list):
            last.append(list(values))
            for i in range(len(values)):
                values[i] = -1.0
        else:
            last.append(values)

    class Recorder:
        def __init__(self, opt):
            self.inner = mod.WarmupCosine(opt, **kwargs)
            keep(self.inner.get_last_lr())

        def step(self):
            self.inner.step()
            keep(self.inner.get_last_lr())

    seen = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), Recorder, steps, lrs)
    return {"group_lrs": seen, "last_lr": last}


def train_run(mod, weight, bias, X, y, **kwargs):
    """Train a Linear model holding the given weights with the learner's train(); return lrs and final weights."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with drive.grad_mode(False):
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    lrs = mod.train(model, X, y, **kwargs)
    return {"lrs": lrs, "weight": model.weight.detach().clone(), "bias": model.bias.detach().clone()}


def train_twice(mod, weight, bias, X, y, first, second):
    """The learner's train() called twice on the same model, with the settings first and then second: the lrs each
    call returns and the weights after each call (a second call must start a new optimizer and schedule)."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with drive.grad_mode(False):
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    out = []
    for kw in (first, second):
        lrs = mod.train(model, X, y, **kw)
        out.append({"lrs": lrs, "weight": model.weight.detach().clone(), "bias": model.bias.detach().clone()})
    return out


def two_schedulers(mod, lrs_a, kw_a, lrs_b, kw_b, actions):
    """Two WarmupCosine alive at once, each over its own SGD (one param group per lr). `actions` is a list of "a",
    "b" (step() that scheduler) and "new b" (construct the second one, once). Returns the groups' lrs of both
    optimizers after constructing the first one and after every action (None for b before it exists)."""
    def sgd(lrs):
        return torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs])

    opt_a, opt_b = sgd(lrs_a), sgd(lrs_b)
    scheds = {"a": mod.WarmupCosine(opt_a, **kw_a)}
    seen = []

    def record():
        seen.append([[g["lr"] for g in opt_a.param_groups],
                     [g["lr"] for g in opt_b.param_groups] if "b" in scheds else None])

    record()
    for action in actions:
        if action == "new b":
            scheds["b"] = mod.WarmupCosine(opt_b, **kw_b)
        else:
            scheds[action].step()
        record()
    return seen
