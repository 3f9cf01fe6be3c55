"""Public graders for fix-cnn-shapes."""

import torch

from grader.judge.checks import CheckFailure, expect_tensor


def test_formula_examples(learner):
    """conv2d_out(28, 5) = 24, pool2d_out(24, 2) = 12, conv2d_out(28, 3, padding=1) = 28, pool2d_out(7, 2, ceil_mode=True) = 4."""
    got = learner.probe("formulas", [[28, 5], [28, 3, 1, 1]], [[24, 2], [7, 2, None, 0, 1, True]])
    if got != {"conv": [24, 28], "pool": [12, 4]}:
        raise CheckFailure("the output-size formulas are not right", f"expected conv [24, 28] and pool [12, 4], "
                                                                     f"received {got}")


def test_forward_example(learner, device):
    """SimpleCNN(3, 10, 32) maps a (4, 3, 32, 32) batch to (4, 10) logits (the seed's view(-1, 1568) makes 16 rows)."""
    x = torch.randn(4, 3, 32, 32, device=device)
    expect_tensor(learner.probe("forward", 3, 10, 32, None, x), what="SimpleCNN(3, 10, 32) on a (4, 3, 32, 32) batch",
                  shape=(4, 10), dtype=torch.float32, device=device)
