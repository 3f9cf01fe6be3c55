"""Public graders for batchnorm-train-eval."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_train_mode_example(learner, device):
    """In train mode a fresh layer normalises each channel of the batch to mean 0, variance 1 (biased)."""
    x = torch.arange(16.0, dtype=torch.float64, device=device).reshape(2, 2, 2, 2)
    got = learner.probe("run", [2], {}, None, [x], ["train"])
    outs = got.get("outs") if isinstance(got, dict) else None
    if not isinstance(outs, list) or len(outs) != 1:
        raise CheckFailure("MyBatchNorm2d(2)(x) gave no output", f"received {outs!r}")
    want = torch.nn.BatchNorm2d(2).to(device, torch.float64)(x)
    expect_close(outs[0], want.detach(), rtol=1e-10, atol=1e-12, what="MyBatchNorm2d(2) in train mode",
                 inputs="x = arange(16) as (2, 2, 2, 2), float64")
