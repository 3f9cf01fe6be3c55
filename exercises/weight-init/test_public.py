"""Public graders for weight-init."""

import torch

from grader.judge.checks import CheckFailure, expect_close, summarize


def test_dense_forward_example(learner, device):
    """The seed's numbers: x [[1, 2], [3, 4]], W [[0.1, 0.2], [0.3, 0.4]], b [0.5, 0.6], with the sigmoid it describes."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    W = torch.tensor([[0.1, 0.2], [0.3, 0.4]], device=device)
    b = torch.tensor([0.5, 0.6], device=device)
    expect_close(learner.call("dense_forward", x, W, b, "sigmoid"), torch.sigmoid(x @ W.T + b),
                 what="dense_forward(x, W, b, 'sigmoid')", inputs="the seed's x, W and b (x @ W.T + b = [[1.0, 1.7], [1.6, 3.1]])")


def test_fans_example(learner):
    """fans((8, 3)) = (3, 8) for a Linear(3, 8) weight; fans((16, 4, 3, 3)) = (36, 144) for a conv weight."""
    for shape, want in (((8, 3), (3, 8)), ((16, 4, 3, 3), (36, 144))):
        got = learner.call("fans", shape)
        if type(got) is not tuple or len(got) != 2 or not all(type(v) is int for v in got) or got != want:
            raise CheckFailure(f"fans({shape}) must be the tuple (fan_in, fan_out) of Python ints",
                               f"expected {want}, received {summarize(got)}")
