"""Public graders for conv2d-by-hand: small fixed cases; every reference is torch's own F.conv2d, computed here."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, summarize

X = [[0.1, 0.2, 0.0, -0.7], [0.0, 1.3, 0.3, 0.2], [-0.6, 0.0, 0.9, 1.1]]
SHOWN_X = "x (1, 1, 3, 4) = [[0.1, 0.2, 0, -0.7], [0, 1.3, 0.3, 0.2], [-0.6, 0, 0.9, 1.1]]"


def example(device):
    x = torch.tensor([[X]], dtype=torch.float64, device=device)
    w = torch.tensor([[[[0.1, 0.2], [0.3, 0.4]]]], dtype=torch.float64, device=device)
    return x, w


def test_conv_example(learner, device):
    """A 2x2 kernel with a bias, stride 1 and no padding on a 3x4 input: each output is the window's dot product
    with the kernel, plus the bias."""
    x, w = example(device)
    b = torch.tensor([0.05], dtype=torch.float64, device=device)
    expect_close(learner.call("conv2d", x, w, b), F.conv2d(x, w, b), rtol=1e-12, atol=1e-12,
                 what="conv2d(x, weight, bias)", inputs=f"{SHOWN_X}, weight [[0.1, 0.2], [0.3, 0.4]], bias [0.05]")


def test_kernel_is_not_flipped_example(learner, device):
    """PyTorch's convolution is a cross-correlation: the kernel is not flipped. With padding=1 and stride=(1, 2)
    the output is 3x2."""
    x, w = example(device)
    expect_close(learner.call("conv2d", x, w, None, (1, 2), 1), F.conv2d(x, w, None, (1, 2), 1), rtol=1e-12,
                 atol=1e-12, what="conv2d(x, weight, stride=(1, 2), padding=1)",
                 inputs=f"{SHOWN_X}, weight [[0.1, 0.2], [0.3, 0.4]], no bias, stride (1, 2), padding 1")


def test_output_size_example(learner):
    """A 28x28 image through a 3x3 kernel: padding=1 keeps 28x28, padding=0 gives 26x26 (the seed's flatten size
    32*26*26 is right only without padding). And a 100000 x 60000 input, where no convolution could run: the size
    comes from the formula alone."""
    for h, w, padding, want in ((28, 28, 1, (28, 28)), (28, 28, 0, (26, 26)), (28, 28, (0, 1), (26, 28)),
                                (100_000, 60_000, 1, (100_000, 60_000))):
        got = learner.call("conv2d_output_size", h, w, 3, 1, padding)
        if type(got) is not tuple or len(got) != 2 or any(type(v) is not int for v in got):
            raise CheckFailure("conv2d_output_size must return the output's (height, width) as a tuple of ints",
                               f"inputs: h={h}, w={w}, kernel_size=3, stride=1, padding={padding}\n"
                               f"expected {want!r}, received {summarize(got)}")
        if got != want:  # why: a tuple of ints with the wrong numbers needs the formula, not the type, named
            raise CheckFailure("conv2d_output_size gives the wrong (height, width): floor((h + 2p - d(k - 1) - 1) / s)"
                               " + 1 per dimension, a pair read as (height, width)",
                               f"inputs: h={h}, w={w}, kernel_size=3, stride=1, padding={padding}\n"
                               f"expected {want!r}, received {summarize(got)}")
