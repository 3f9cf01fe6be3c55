"""Public graders for plateau-lr: fixed metric sequences, against torch's ReduceLROnPlateau run in the judge through
the same harness (grader.drive.lr_trajectory) as the learner's PlateauLR."""

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure


def check(learner, lrs, kwargs, metrics, inputs):
    got = learner.probe("run", lrs, kwargs, metrics)
    want = drive.lr_trajectory(lambda groups: torch.optim.SGD(groups), lambda o: ReduceLROnPlateau(o, **kwargs),
                               len(metrics), lrs, metrics)[1:]
    try:
        last = got.get("last_lr") if isinstance(got, dict) else None
        if not isinstance(last, list) or len(last) != len(metrics):
            raise CheckFailure("get_last_lr() must be callable after every step()", f"received {last!r:.120}")
        for k, (g, w) in enumerate(zip(last, want), start=1):
            if not isinstance(g, list):
                raise CheckFailure(f"get_last_lr() after step {k} must be a list of floats", f"received {g!r:.80}")
            for value in g:
                kit.expect_float(value, what=f"get_last_lr() after step {k}")
            kit.expect_same_values(g, w, what=f"get_last_lr() after step {k}", label="group")
    except CheckFailure as failure:
        raise CheckFailure(failure.prop, f"inputs: {inputs}\n{failure.detail}") from None


def test_patience_example(learner):
    """patience=2 and a constant metric: the lr drops at the 4th step (3 bad epochs > 2), and again 3 steps later."""
    check(learner, [0.1], {"patience": 2}, [1.0] * 7, "lr 0.1, patience 2, metric 1.0 seven times")


def test_threshold_example(learner):
    """An improvement smaller than the relative threshold (1e-4) is a bad epoch: 1.0 then 0.99995 cuts the lr."""
    check(learner, [0.1], {"patience": 0}, [1.0, 0.99995], "lr 0.1, patience 0, metrics 1.0 then 0.99995")
