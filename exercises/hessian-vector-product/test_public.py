"""Public graders for hessian-vector-product."""

import torch

from grader.judge.checks import expect_close


def test_quadratic_example(learner, device):
    """For f(x) = 1/2 x^T A x with symmetric A, H = A: hvp gives A v and hessian gives A."""
    f64 = dict(dtype=torch.float64, device=device)
    A = torch.tensor([[2.0, 1.0], [1.0, 3.0]], **f64)
    x = torch.tensor([1.0, -1.0], **f64)
    v = torch.tensor([1.0, 2.0], **f64)
    inputs = "f(x) = 0.5 x^T A x, A = [[2, 1], [1, 3]], x = [1, -1], v = [1, 2]"
    expect_close(learner.probe("run", "hvp", "quadratic", x, v, A=A)["value"], A @ v, what="hvp(f, x, v)", inputs=inputs)
    expect_close(learner.probe("run", "hessian", "quadratic", x, A=A)["value"], A, what="hessian(f, x)", inputs=inputs)
