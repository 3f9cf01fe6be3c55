"""Public graders for nan-source-anomaly."""

import torch

from grader.judge.checks import expect_equal


def test_sqrt_example(learner, device):
    """For (sqrt(x) * 0).sum() at x = [0, 1], anomaly detection names SqrtBackward0 (0 / 0 at x = 0)."""
    x = torch.tensor([0.0, 1.0], device=device)
    got = learner.probe("nan_backward", "sqrt_at_zero", x)
    expect_equal(got["value"], "SqrtBackward0", what="find_nan_backward(lambda x: torch.sqrt(x) * 0, x) for x = [0, 1]")


def test_forward_hooks_example(learner, device):
    """In Sequential(Linear(4, 8), Tanh(), Log(), Linear(8, 2)) the first non-finite output is module '2' (log)."""
    x = torch.tensor([[1.0, -1.0, 0.5, 2.0]], device=device)
    got = learner.probe("nonfinite", "tanh_log", x)
    expect_equal(got["value"], "2", what="first_nonfinite_module for Sequential(Linear, Tanh, Log, Linear) "
                                         "(torch.manual_seed(0)), x = [[1, -1, 0.5, 2]]")
