"""Public graders for fix-regression-project."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_raises


def test_make_line_example(learner):
    """make_line(n=5, noise=False, f=2) returns float32 tensors x and y = 2x, both of shape (5, 1)."""
    got = learner.probe("make", n=5, noise=False, f=2, seed=0)
    if not isinstance(got, tuple) or len(got) != 2:
        raise CheckFailure("make_line must return a tuple (x, y)", f"received {type(got).__name__}")
    g = torch.Generator().manual_seed(0)
    x = torch.rand(5, 1, generator=g) * 10
    expect_close(got[0], x, what="x", inputs="n=5, noise=False, f=2, seed=0")
    expect_close(got[1], 2 * x, what="y", inputs="n=5, noise=False, f=2, seed=0")


def test_checked_mse_example(learner):
    """checked_mse refuses a (3, 1) prediction against a (3,) target instead of broadcasting it to (3, 3)."""
    pred = torch.tensor([[1.0], [2.0], [3.0]])
    expect_raises(lambda: learner.call("checked_mse", pred, torch.tensor([1.0, 2.0, 4.0])), "ValueError",
                  what="checked_mse with shapes (3, 1) and (3,)")
    expect_close(learner.call("checked_mse", pred, torch.tensor([[1.0], [2.0], [4.0]])), torch.tensor(1 / 3),
                 what="checked_mse with equal shapes", inputs="pred [[1], [2], [3]], target [[1], [2], [4]]")
