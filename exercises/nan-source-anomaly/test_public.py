"""Public graders for nan-source-anomaly."""

import torch

from grader.judge.checks import CheckFailure


def test_sqrt_example(learner, device):
    """For torch.sqrt(x).sum() at x = [0, 1], the first non-finite gradient is SqrtBackward0's (1 / (2 sqrt(0)) = inf:
    anomaly mode would report nothing)."""
    x = torch.tensor([0.0, 1.0], device=device)
    got = learner.probe("nonfinite_grad", "sqrt", x)
    if got["value"] != "SqrtBackward0":
        raise CheckFailure("first_nonfinite_grad should return 'SqrtBackward0'",
                           f"inputs: fn = torch.sqrt, x = [0, 1]\nexpected 'SqrtBackward0'\nreceived {got['value']!r}")


def test_forward_hooks_example(learner, device):
    """In Sequential(Linear(4, 8), Tanh(), Log(), Linear(8, 2)) the first non-finite output is module '2' (log)."""
    x = torch.tensor([[1.0, -1.0, 0.5, 2.0]], device=device)
    got = learner.probe("nonfinite", "tanh_log", x)
    if got["value"] != "2":
        raise CheckFailure("first_nonfinite_module should return '2' (the Log module)",
                           "inputs: Sequential(Linear(4, 8), Tanh(), Log(), Linear(8, 2)) after torch.manual_seed(0), "
                           f"x = [[1, -1, 0.5, 2]]\nexpected '2'\nreceived {got['value']!r}")
