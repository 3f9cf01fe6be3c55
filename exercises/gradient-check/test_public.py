"""Public graders for gradient-check."""

import torch

from grader.judge.checks import expect_close, expect_equal


def test_jacobian_example(learner, device):
    """The Jacobian of sum(x**3) at x = [1, 2] is [[3, 12]]."""
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, device=device)
    out = learner.probe("jacobian", "cube_sum", [x], 1e-6)
    (jac,) = out["jacobians"]
    expect_close(jac, torch.tensor([[3.0, 12.0]], dtype=torch.float64, device=device), rtol=1e-6, atol=1e-6,
                 what="numerical_jacobian(lambda x: (x ** 3).sum(), (x,))", inputs="x = [1, 2] (float64)")


def test_check_grad_example(learner, device):
    """check_grad passes a correct Square Function and fails one whose backward forgets the factor 2."""
    x = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, device=device, requires_grad=True)
    expect_equal(learner.probe("verdict", "square", [x], 1e-6, 1e-5, 1e-3), True,
                 what="check_grad on a correct Square (backward 2 * x * g)")
    expect_equal(learner.probe("verdict", "square_missing_two", [x], 1e-6, 1e-5, 1e-3), False,
                 what="check_grad on a Square whose backward returns x * g")
