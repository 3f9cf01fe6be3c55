"""Public graders for weight-init."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_dense_forward_example(learner, device):
    """The seed's numbers: x [[1, 2], [3, 4]], W [[0.1, 0.2], [0.3, 0.4]], b [0.5, 0.6], with the sigmoid it describes."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    W = torch.tensor([[0.1, 0.2], [0.3, 0.4]], device=device)
    b = torch.tensor([0.5, 0.6], device=device)
    expect_close(learner.call("dense_forward", x, W, b, "sigmoid"), torch.sigmoid(x @ W.T + b),
                 what="dense_forward(x, W, b, 'sigmoid')", inputs="the seed's x, W and b (x @ W.T + b = [[1.0, 1.7], [1.6, 3.1]])")


def test_fans_example(learner):
    """fans((8, 3)) = (3, 8) for a Linear(3, 8) weight; fans((16, 4, 3, 3)) = (36, 144) for a conv weight."""
    got = [learner.call("fans", (8, 3)), learner.call("fans", (16, 4, 3, 3))]
    if [tuple(g) if isinstance(g, (list, tuple)) else g for g in got] != [(3, 8), (36, 144)]:
        raise CheckFailure("fans is not right", f"expected (3, 8) and (36, 144), received {got}")
