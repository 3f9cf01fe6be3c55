"""Public graders for fix-inference-fusion."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_fuse_linears_example(learner, device):
    """fuse_linears(Linear(5, 7), Linear(7, 3)) is one Linear with the same outputs."""
    x = torch.randn(4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).to(device)
    got = learner.probe("fused", 0, True, True, x)
    if not got["is_linear"]:
        raise CheckFailure("fuse_linears must return an nn.Linear")
    expect_close(got["out"], got["want"], what="the fused Linear's output", inputs="seed 0, Linear(5, 7) then Linear(7, 3)")


def test_fold_conv_bn_example(learner, device):
    """fold_conv_bn(Conv2d(4, 6, 3, padding=1), eval BatchNorm2d(6)) equals bn(conv(x))."""
    x = torch.randn(2, 4, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).to(device)
    got = learner.probe("folded", 0, True, 1, 1, x)
    if not got["is_conv"]:
        raise CheckFailure("fold_conv_bn must return an nn.Conv2d")
    expect_close(got["out"], got["want"], what="the folded convolution's output",
                 inputs="seed 0, Conv2d(4, 6, 3, padding=1) with bias, BatchNorm2d(6, eps=1e-3) with random statistics")
