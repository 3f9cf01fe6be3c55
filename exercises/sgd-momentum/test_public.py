"""Public graders for sgd-momentum: two fixed steps, the learner's SGD and torch's driven by the same harness."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure

SHOWN = "p0 = [1, -2], gradients [0.5, 0.5] then [-1, 2] (float64)"


def same(learner, options, device):
    p0 = torch.tensor([1.0, -2.0], dtype=torch.float64, device=device)
    grads = [[torch.tensor(g, dtype=torch.float64, device=device)] for g in ([0.5, 0.5], [-1.0, 2.0])]
    got = learner.probe("trajectory", [p0], grads, options)
    want = kit.reference_trajectory(torch.optim.SGD, [p0], grads, options)
    try:
        kit.expect_same_trajectory(got, want, what=f"SGD({', '.join(f'{k}={v}' for k, v in options.items())})")
    except CheckFailure as failure:
        raise CheckFailure(failure.prop, f"inputs: {SHOWN}\n{failure.detail}") from None


def test_plain_sgd_example(learner, device):
    """Without momentum, each step is p = p - lr * grad."""
    same(learner, {"lr": 0.1}, device)


def test_momentum_example(learner, device):
    """With momentum 0.9 the second step moves by lr * (0.9 * g1 + g2)."""
    same(learner, {"lr": 0.1, "momentum": 0.9}, device)
