"""Public graders for adam-adamw: three fixed steps, the learner's optimizer and torch's driven by the same harness."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure

GRADS = ([0.5, 0.5, -4.0], [-1.0, 2.0, -4.0], [0.25, 0.0, 1.0])
SHOWN = "p0 = [1, -2, 0.5], gradients [0.5, 0.5, -4], [-1, 2, -4], [0.25, 0, 1] (float64)"


def example(device):
    p0 = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, device=device)
    return [p0], [[torch.tensor(g, dtype=torch.float64, device=device)] for g in GRADS]


def same(learner, cls, options, device):
    initial, grads = example(device)
    got = learner.probe("trajectory", cls, initial, grads, options)
    want = kit.reference_trajectory(getattr(torch.optim, cls), initial, grads, options)
    try:
        kit.expect_same_trajectory(got, want, what=f"{cls}({', '.join(f'{k}={v}' for k, v in options.items())})")
    except CheckFailure as failure:
        raise CheckFailure(failure.prop, f"inputs: {SHOWN}\n{failure.detail}") from None


def test_adam_example(learner, device):
    """Adam with lr 0.1: the first step moves every entry with a gradient by about lr, against its sign."""
    same(learner, "Adam", {"lr": 0.1}, device)


def test_adamw_example(learner, device):
    """AdamW with lr 0.1 and weight_decay 0.5 shrinks p by (1 - 0.05) before each Adam step."""
    same(learner, "AdamW", {"lr": 0.1, "weight_decay": 0.5}, device)
