"""Public graders for anomaly-nan-source."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_sqrt_example(learner, device):
    """For (sqrt(x) * 0).sum() at x = [0, 1], anomaly mode names SqrtBackward0."""
    got = learner.probe("find", "sqrt_at_zero", 0.0, str(device))
    if got["got"] != "SqrtBackward0":
        raise CheckFailure("find_nan_backward should return 'SqrtBackward0'",
                           f"inputs: fn = lambda x: (torch.sqrt(x) * 0).sum(), x = [0, 1]\nexpected 'SqrtBackward0'\n"
                           f"received {got['got']!r}")


def test_row_norms_example(learner, device):
    """row_norms of [[0, 0], [3, 4]] is [0, 5] with gradient [[0, 0], [0.6, 0.8]]."""
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=torch.float64, device=device)
    got = learner.probe("norm_grad", x)
    expect_close(got["out"], torch.tensor([0.0, 5.0], dtype=torch.float64, device=device), what="row_norms(x)",
                 inputs="x = [[0, 0], [3, 4]]")
    expect_close(got["grad"], torch.tensor([[0.0, 0.0], [0.6, 0.8]], dtype=torch.float64, device=device),
                 what="the gradient of row_norms(x).sum()", inputs="x = [[0, 0], [3, 4]]")
