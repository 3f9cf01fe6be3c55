"""Public graders for plateau-lr."""

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

from grader.judge.checks import compare_trajectories


def torch_lrs(lrs, kwargs, metrics):
    opt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])
    sched = ReduceLROnPlateau(opt, **kwargs)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(torch.tensor(sched.get_last_lr(), dtype=torch.float64))
    return out


def check(learner, lrs, kwargs, metrics, inputs):
    got = learner.probe("run", lrs, kwargs, metrics)["last_lr"]
    compare_trajectories([torch.tensor(g, dtype=torch.float64) if isinstance(g, list) else g for g in got],
                         torch_lrs(lrs, kwargs, metrics), what="get_last_lr()", rtol=1e-12, atol=0.0, inputs=inputs)


def test_patience_example(learner):
    """patience=2 and a constant metric: the lr drops at the 4th step (3 bad epochs > 2), and again 3 steps later."""
    check(learner, [0.1], {"patience": 2}, [1.0] * 7, "lr 0.1, patience 2, metric 1.0 seven times")


def test_threshold_example(learner):
    """An improvement smaller than the relative threshold (1e-4) is a bad epoch: 1.0 then 0.99995 cuts the lr."""
    check(learner, [0.1], {"patience": 0}, [1.0, 0.99995], "lr 0.1, patience 0, metrics 1.0 then 0.99995")
