"""Public graders for fix-rnn-regressor."""

import torch

from grader.judge.checks import expect_tensor


def test_shape_example(learner, device):
    """SimpleRNN(10, 20, 2) maps a (4, 5, 10) batch (4 sequences of 5 steps) to a (4, 1) prediction."""
    x = torch.randn(4, 5, 10, device=device)
    expect_tensor(learner.probe("forward", [10, 20, 2], None, x), shape=(4, 1), dtype=torch.float32, device=device,
                  what="SimpleRNN(10, 20, 2) on a (4, 5, 10) batch")
