"""Public graders for int8-weight-quantization."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def test_per_tensor_example(learner, device):
    """w = [[1, -2], [0.5, 4]] per tensor: scale 4/127 (0-d), q = [[32, -64], [16, 127]] as int8."""
    w = torch.tensor([[1.0, -2.0], [0.5, 4.0]], device=device)
    got = learner.probe("roundtrip", w, False)
    expect_tensor(got["q"], what="q", shape=(2, 2), dtype=torch.int8, device=device)
    expect_close(got["scale"], torch.tensor(4.0 / 127, device=device), what="scale", inputs="w = [[1, -2], [0.5, 4]]")
    want = torch.tensor([[32, -64], [16, 127]], dtype=torch.int8, device=device)
    if not torch.equal(got["q"], want):
        raise CheckFailure("q is not right", f"expected {want.tolist()}, received {got['q'].tolist()}")


def test_per_channel_example(learner, device):
    """w = [[127, 2.5, -1], [-254, 5, 3]] per channel: scale [1, 2] (one per row), q = [[127, 2, -1], [-127, 2, 2]]:
    2.5 and 5 / 2 round to the even 2 and 3 / 2 = 1.5 to 2, as torch.round does."""
    w = torch.tensor([[127.0, 2.5, -1.0], [-254.0, 5.0, 3.0]], device=device, dtype=torch.float64)
    got = learner.probe("roundtrip", w, True)
    inputs = "w = [[127, 2.5, -1], [-254, 5, 3]], per_channel=True"
    expect_close(got["scale"], torch.tensor([1.0, 2.0], device=device, dtype=torch.float64), what="scale",
                 inputs=inputs)
    want = torch.tensor([[127, 2, -1], [-127, 2, 2]], dtype=torch.int8, device=device)
    expect_tensor(got["q"], what="q", shape=(2, 3), dtype=torch.int8, device=device)
    if not torch.equal(got["q"], want):
        raise CheckFailure("q is not right", f"inputs: {inputs}\nexpected {want.tolist()}, received {got['q'].tolist()}")
