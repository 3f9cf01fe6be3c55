"""Public graders for fix-broken-gradients."""

import torch

from grader.judge.checks import expect_close


def test_unit_vector_example(learner, device):
    """The gradient of unit_vector(x)[0] at x = [3, 4] is [0.128, -0.096] (the norm depends on x too)."""
    x = torch.tensor([3.0, 4.0], dtype=torch.float64, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(learner.function("unit_vector")(x)[0], x)
    expect_close(g, torch.tensor([0.128, -0.096], dtype=torch.float64, device=device), what="d unit_vector(x)[0] / dx",
                 inputs="x = [3, 4]")


def test_double_sigmoid_example(learner, device):
    """The gradient of double_sigmoid(x).sum() at x = 0 is 0.5."""
    x = torch.zeros(1, dtype=torch.float64, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(learner.function("double_sigmoid")(x).sum(), x)
    expect_close(g, torch.full((1,), 0.5, dtype=torch.float64, device=device), what="the gradient of double_sigmoid",
                 inputs="x = [0]")
