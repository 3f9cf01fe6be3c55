"""Public graders for fix-inference-fusion. Folded weights, biases and outputs are computed here, in the judge, from
layers built with the same seed as the worker's."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

EXAMPLE_CONV = {"cin": 4, "cout": 6, "kernel": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": True,
                "eps": 1e-3, "dtype": "float64"}


def test_fuse_linears_example(learner, device):
    """fuse_linears(Linear(5, 7), Linear(7, 3)) is one Linear with weight W2 @ W1, bias W2 @ b1 + b2 and the same outputs."""
    x = torch.randn(4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).to(device)
    inputs = "seed 0, fc1 = Linear(5, 7), fc2 = Linear(7, 3), both with bias, float64, x of shape (4, 5)"
    got = learner.probe("fused", 0, True, True, x)
    want = P.reference_fused(0, True, True, x)
    if not got["is_module"] or got["type"] != "Linear":
        raise CheckFailure("fuse_linears must return an nn.Linear", f"it returned a {got['type']}; {inputs}")
    expect_close(got["out"], want["out"], what="the fused Linear's output", inputs=inputs)
    expect_close(got["weight"], want["weight"], what="the fused Linear's weight", inputs=inputs)
    expect_close(got["bias"], want["bias"], what="the fused Linear's bias", inputs=inputs)


def test_fold_conv_bn_example(learner, device):
    """fold_conv_bn(Conv2d(4, 6, 3, padding=1), eval BatchNorm2d(6, eps=1e-3)) equals bn(conv(x)), with the folded
    weight and bias."""
    x = torch.randn(2, 4, 6, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).to(device)
    inputs = ("seed 0, Conv2d(4, 6, 3, padding=1) with bias, BatchNorm2d(6, eps=1e-3) in eval mode with random "
              "running statistics and affine parameters, float64, x of shape (2, 4, 6, 6)")
    got = learner.probe("folded", 0, EXAMPLE_CONV, x)
    want = P.reference_folded(0, EXAMPLE_CONV, x)
    if not got["is_module"] or got["type"] != "Conv2d":
        raise CheckFailure("fold_conv_bn must return an nn.Conv2d", f"it returned a {got['type']}; {inputs}")
    expect_close(got["out"], want["out"], what="the folded convolution's output", inputs=inputs)
    expect_close(got["weight"], want["weight"], what="the folded weight (conv.weight * gamma / sqrt(var + eps) per "
                 "output channel)", inputs=inputs)
    expect_close(got["bias"], want["bias"], what="the folded bias", inputs=inputs)
