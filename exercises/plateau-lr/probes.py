"""Trusted helpers for plateau-lr, run in the worker: drive the learner's PlateauLR with a metric sequence through
the shared harness grader.drive.lr_trajectory (the graders drive torch's ReduceLROnPlateau with the same function in
the judge). They return raw results."""

import torch

from grader import drive


def run(mod, lrs, kwargs, metrics):
    """The groups' lrs after each step(metric), and what get_last_lr() returned then, for an SGD with one group per lr."""
    last, first = [], []

    class Recorder:
        def __init__(self, opt):
            self.inner = mod.PlateauLR(opt, **kwargs)
            first.append(self.inner.get_last_lr())  # before any step

        def step(self, metric):
            self.inner.step(metric)
            last.append(self.inner.get_last_lr())

    seen = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), Recorder, len(metrics), lrs, metrics)
    return {"group_lrs": seen[1:], "last_lr": last, "first_last_lr": first[0] if first else None}


def construct(mod, n_groups, **kwargs):
    """Build PlateauLR over an SGD with n_groups groups; raises what the constructor raises."""
    opt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))]} for _ in range(n_groups)], lr=0.1)
    mod.PlateauLR(opt, **kwargs)
    return "constructed"


def run_pair(mod, lrs, kwargs, metrics_a, metrics_b):
    """Two PlateauLR over two optimizers, stepped in turn (a, then b, each step): the groups' lrs of each after every
    one of its steps. Two schedulers alive at once show state shared between instances."""
    opts = [torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))], "lr": lr}
                             for lr in lrs]) for _ in range(2)]
    scheds = [mod.PlateauLR(o, **kwargs) for o in opts]
    seen = [[], []]
    for pair in zip(metrics_a, metrics_b):
        for i in range(2):
            opts[i].step()
            scheds[i].step(pair[i])
            seen[i].append([float(g["lr"]) for g in opts[i].param_groups])
    return {"a": seen[0], "b": seen[1]}
