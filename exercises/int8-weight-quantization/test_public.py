"""Public graders for int8-weight-quantization."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def test_per_tensor_example(learner, device):
    """w = [[1, -2], [0.5, 4]] per tensor: scale 4/127, q = [[32, -64], [16, 127]]."""
    w = torch.tensor([[1.0, -2.0], [0.5, 4.0]], device=device)
    got = learner.probe("roundtrip", w, False)
    expect_tensor(got["q"], what="q", shape=(2, 2), dtype=torch.int8, device=device)
    expect_close(got["scale"], torch.tensor(4.0 / 127, device=device), what="scale", inputs="w = [[1, -2], [0.5, 4]]")
    want = torch.tensor([[32, -64], [16, 127]], dtype=torch.int8, device=device)
    if not torch.equal(got["q"], want):
        raise CheckFailure("q is not right", f"expected {want.tolist()}, received {got['q'].tolist()}")
