"""Public graders for higher-order-grad."""

import torch

from grader.judge.checks import expect_close


def test_second_derivative_of_cube(learner, device):
    """The second derivative of x**3 at x = 3 is 18 (not 54, which is what calling backward twice gives)."""
    x = torch.tensor([3.0], dtype=torch.float64, device=device, requires_grad=True)
    out = learner.probe("derivative", "cube", x, 2)
    expect_close(out["value"], torch.tensor([18.0], dtype=torch.float64, device=device),
                 what="nth_derivative(lambda x: x ** 3, x, 2)", inputs="x = [3.0]")


def test_first_derivative_example(learner, device):
    """The first derivative of sin at [0, pi/2] is cos: [1, 0]."""
    x = torch.tensor([0.0, torch.pi / 2], dtype=torch.float64, device=device, requires_grad=True)
    out = learner.probe("derivative", "sin", x, 1)
    expect_close(out["value"], torch.cos(x.detach()), what="nth_derivative(torch.sin, x, 1)", inputs="x = [0, pi/2]")
