"""Hidden graders for plateau-lr: lock-step runs against torch's ReduceLROnPlateau on random metric sequences."""

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

from grader.judge.checks import CheckFailure, banned_names_used, compare_trajectories, expect_raises

LRS = [0.1, 0.05]


def sequences(rng):
    """Metric sequences that exercise patience, thresholds, negative values and oscillation."""
    noise = torch.randn(40, generator=rng, dtype=torch.float64)
    return {
        "decreasing then flat": [1.0 - 0.05 * k for k in range(8)] + [0.6] * 25,
        "noisy plateau": (0.5 + 0.01 * noise).tolist(),
        "improvements below the threshold": [(1 - 5e-5) ** k for k in range(30)],
        "negative and noisy": (-1.0 - 0.02 * torch.arange(30, dtype=torch.float64) + 0.05 * noise[:30]).tolist(),
        "oscillating": [1.0 + 0.3 * (-1) ** k * (0.97 ** k) for k in range(30)],
    }


def torch_run(lrs, kwargs, metrics):
    opt = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])
    sched = ReduceLROnPlateau(opt, **kwargs)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(torch.tensor([g["lr"] for g in opt.param_groups], dtype=torch.float64))
    return out


def lock_step(learner, kwargs, metrics, what, lrs=LRS):
    got = learner.probe("run", lrs, kwargs, metrics)
    want = torch_run(lrs, kwargs, metrics)
    for key, label in (("group_lrs", "the param groups' lrs"), ("last_lr", "get_last_lr()")):
        seq = got[key]
        if not isinstance(seq, list) or not all(isinstance(s, list) and all(isinstance(v, float) for v in s)
                                                for s in seq):
            raise CheckFailure(f"{label} must be a list of floats after every step ({what})")
        compare_trajectories([torch.tensor(s, dtype=torch.float64) for s in seq], want,
                             what=f"{label} with {kwargs} on the {what} metric", rtol=1e-12, atol=0.0)


def battery(learner, rng, configs, names=None):
    seqs = sequences(rng)
    for kwargs in configs:
        for name, metrics in seqs.items():
            if names is None or name in names:
                lock_step(learner, kwargs, metrics, name)


def test_patience_counts_bad_epochs(learner, rng):
    """The lr is cut when bad epochs exceed patience (not reach it), counting from the best value so far."""
    battery(learner, rng, [{}, {"patience": 0}, {"patience": 3, "factor": 0.5}])


def test_thresholds(learner, rng):
    """Improvements must beat best * (1 - threshold) (rel) or best - threshold (abs), negative metrics included."""
    battery(learner, rng, [{"patience": 1}, {"patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
                           {"patience": 2, "threshold": 0.01}])


def test_cooldown(learner, rng):
    """After a cut, bad epochs are not counted for `cooldown` steps."""
    battery(learner, rng, [{"patience": 2, "cooldown": 3}, {"patience": 0, "cooldown": 1, "factor": 0.5}])


def test_min_lr_and_eps(learner, rng):
    """Each group stops at its min_lr (a float or one per group), and a change of at most eps is not applied."""
    battery(learner, rng, [{"patience": 1, "factor": 0.5, "min_lr": [1e-3, 2e-2]}, {"patience": 0, "min_lr": 0.09},
                           {"patience": 0, "factor": 0.999999999}, {"patience": 0, "factor": 0.5, "eps": 0.02}])


def test_mode_max(learner, rng):
    """mode='max' treats larger metrics as better (accuracy-like), with both threshold modes."""
    battery(learner, rng, [{"mode": "max", "patience": 2}, {"mode": "max", "patience": 1, "threshold": 0.1,
                                                            "threshold_mode": "abs"}])


def test_tensor_metric(learner, device, rng):
    """step() accepts a 0-d tensor on any device as well as a float."""
    metrics = [torch.tensor(m, dtype=torch.float64, device=device)
               for m in sequences(rng)["decreasing then flat"]]
    got = learner.probe("run", LRS, {"patience": 2}, metrics)["group_lrs"]
    want = torch_run(LRS, {"patience": 2}, [float(m) for m in metrics])
    compare_trajectories([torch.tensor(s, dtype=torch.float64) for s in got], want,
                         what="the lrs when the metric is a 0-d tensor", rtol=1e-12, atol=0.0)


def test_invalid_arguments_raise(learner):
    """factor >= 1, an unknown mode or threshold_mode, or a min_lr list of the wrong length raise ValueError."""
    for kwargs in ({"factor": 1.0}, {"factor": 2.0}, {"mode": "avg"}, {"threshold_mode": "relative"},
                   {"min_lr": [0.1, 0.2, 0.3]}):
        expect_raises(lambda: learner.probe("construct", 2, **kwargs), "ValueError", what=f"PlateauLR(opt, **{kwargs})")
    if learner.probe("construct", 2, min_lr=[0.0, 0.1], factor=0.5) != "constructed":
        raise CheckFailure("PlateauLR with one min_lr per group is valid and must construct")


def test_does_not_use_reduce_lr_on_plateau(learner, source, rng):
    """The logic is your own: torch's ReduceLROnPlateau is not used."""
    used = banned_names_used(source, ["torch.optim.lr_scheduler.ReduceLROnPlateau"])
    if used:
        raise CheckFailure("your code uses torch.optim.lr_scheduler.ReduceLROnPlateau: write the logic yourself")
    battery(learner, rng, [{"patience": 1}], names=["noisy plateau"])
