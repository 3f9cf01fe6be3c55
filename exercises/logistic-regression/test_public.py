"""Public graders for logistic-regression."""

import torch

from grader.judge.checks import CheckFailure, expect_close, summarize


def reference(X, y, w, b):
    """The mean binary cross-entropy in its exact, stable form, and its gradient, in float64."""
    z = X.double() @ w.double() + b.double()
    loss = (z.clamp(min=0) - y.double() * z + torch.log1p(torch.exp(-z.abs()))).mean()
    r = (torch.sigmoid(z) - y.double()) / X.shape[0]
    return loss, X.double().T @ r, r.sum()


def test_loss_and_grad_example(learner, device):
    """Two points, w = [1, -1], b = 0.5: the loss is mean BCE of sigmoid(X @ w + b), the gradient X^T (p - y) / 2."""
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64, device=device)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device)
    w = torch.tensor([1.0, -1.0], dtype=torch.float64, device=device)
    b = torch.tensor(0.5, dtype=torch.float64, device=device)
    got = learner.call("loss_and_grad", X, y, w, b)
    inputs = "X [[1, 2], [-1, 0.5]], y [1, 0], w [1, -1], b 0.5 (float64)"
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("loss_and_grad must return (loss, dloss/dw, dloss/db)", f"inputs: {inputs}\n"
                           f"received {summarize(got)}")
    for name, a, e in zip(("the loss", "dloss/dw", "dloss/db"), got, reference(X, y, w, b)):
        expect_close(a, e, rtol=1e-10, atol=1e-12, what=name, inputs=inputs)
