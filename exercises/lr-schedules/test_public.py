"""Public graders for lr-schedules: fixed configurations, each value against torch's scheduler run in the judge."""

import warnings

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, SequentialLR, StepLR

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure


def torch_lrs(make, base_lr, n):
    """The lr of a one-group SGD at t = 0 .. n-1 under the torch scheduler make(optimizer)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seen = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), make, n - 1, lrs=(base_lr,))
    return [step[0] for step in seen]


def check(learner, name, n, kwargs, want):
    got = learner.probe("sequence", name, n, kwargs)
    shown = ", ".join(f"{k} = {v}" for k, v in kwargs.items())
    try:
        if not isinstance(got, list) or len(got) != n:
            raise CheckFailure(f"{name} must return one value per t", f"received {got!r:.120}")
        for t, value in enumerate(got):
            kit.expect_float(value, what=f"{name}(t={t}, ...)")
        kit.expect_same_values(got, want, what=f"{name}", first_step=0, label="t")
    except CheckFailure as failure:
        raise CheckFailure(failure.prop, f"inputs: {shown}, t = 0..{n - 1}\n{failure.detail}") from None


def test_step_and_exponential_examples(learner):
    """step_lr(t, 0.1, step_size=2, gamma=0.5) and exponential_lr(t, 0.1, gamma=0.9) for t = 0..5 match torch."""
    check(learner, "step_lr", 6, {"base_lr": 0.1, "step_size": 2, "gamma": 0.5},
          torch_lrs(lambda o: StepLR(o, step_size=2, gamma=0.5), 0.1, 6))
    check(learner, "exponential_lr", 6, {"base_lr": 0.1, "gamma": 0.9},
          torch_lrs(lambda o: ExponentialLR(o, gamma=0.9), 0.1, 6))


def test_cosine_example(learner):
    """cosine_lr(t, 0.1, T_max=4) for t = 0..8 equals CosineAnnealingLR's lr: down to 0 at t = 4, then back up."""
    check(learner, "cosine_lr", 9, {"base_lr": 0.1, "T_max": 4}, torch_lrs(lambda o: CosineAnnealingLR(o, T_max=4), 0.1, 9))


def test_warmup_cosine_example(learner):
    """warmup_cosine_lr(t, 0.1, warmup=3, T_max=4) equals SequentialLR(LinearLR(0.1, 3), CosineAnnealingLR(4))."""
    want = torch_lrs(lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=3),
                                                CosineAnnealingLR(o, T_max=4)], milestones=[3]), 0.1, 10)
    check(learner, "warmup_cosine_lr", 10, {"base_lr": 0.1, "warmup": 3, "T_max": 4}, want)
