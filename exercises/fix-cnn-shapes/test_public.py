"""Public graders for fix-cnn-shapes."""

import torch

from grader.judge.checks import CheckFailure, expect_tensor, summarize


def test_formula_examples(learner):
    """conv2d_out(28, 5) = 24, pool2d_out(24, 2) = 12, conv2d_out(28, 3, padding=1) = 28,
    pool2d_out(7, 2, ceil_mode=True) = 4, each a Python int."""
    got = learner.probe("formulas", [[[28, 5], {}], [[28, 3], {"padding": 1}]],
                        [[[24, 2], {}], [[7, 2], {"ceil_mode": True}]])
    want = {"conv": [24, 28], "pool": [12, 4]}
    calls = ("conv2d_out(28, 5), conv2d_out(28, 3, padding=1), pool2d_out(24, 2), pool2d_out(7, 2, ceil_mode=True)")
    values = (got.get("conv", []) + got.get("pool", [])) if isinstance(got, dict) else None
    if got != want or not all(type(v) is int for v in values):
        raise CheckFailure("the output-size formulas are not right (each must return a Python int)",
                           f"calls: {calls}\nexpected [24, 28, 12, 4]\nreceived {summarize(values)}")


def test_forward_example(learner, device):
    """SimpleCNN(3, 10, 32) maps a (4, 3, 32, 32) batch to (4, 10) logits (the seed's view(-1, 1568) makes 16 rows)."""
    x = torch.randn(4, 3, 32, 32, device=device)
    expect_tensor(learner.probe("forward", 3, 10, 32, None, x), what="SimpleCNN(3, 10, 32) on a (4, 3, 32, 32) batch",
                  shape=(4, 10), dtype=torch.float32, device=device)
