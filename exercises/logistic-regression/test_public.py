"""Public graders for logistic-regression."""

import torch
import torch.nn.functional as F

from grader.judge.checks import expect_close


def test_loss_and_grad_example(learner, device):
    """Two points, w = [1, -1], b = 0.5: the loss is mean BCE of sigmoid(X @ w + b), the gradient X^T (p - y) / 2."""
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64, device=device)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device)
    w = torch.tensor([1.0, -1.0], dtype=torch.float64, device=device)
    b = torch.tensor(0.5, dtype=torch.float64, device=device)
    got = learner.call("loss_and_grad", X, y, w, b)
    p = torch.sigmoid(X @ w + b)
    inputs = "X [[1, 2], [-1, 0.5]], y [1, 0], w [1, -1], b 0.5"
    expect_close(got[0], F.binary_cross_entropy(p, y), rtol=1e-10, atol=1e-12, what="the loss", inputs=inputs)
    expect_close(got[1], X.T @ (p - y) / 2, rtol=1e-10, atol=1e-12, what="dloss/dw", inputs=inputs)
    expect_close(got[2], (p - y).mean(), rtol=1e-10, atol=1e-12, what="dloss/db", inputs=inputs)
