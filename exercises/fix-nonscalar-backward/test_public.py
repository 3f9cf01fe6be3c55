"""Public graders for fix-nonscalar-backward."""

import torch

from grader.judge.checks import expect_close


def test_square_grad_example(learner, device):
    """The gradient of sum(x ** 2) at x = [1, 2, 3] is 2x = [2, 4, 6] (not the seed's [2, 2, 2])."""
    x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    got = learner.probe("square_grad_twice", x)
    expect_close(got["first"], torch.tensor([2.0, 4.0, 6.0], device=device), what="square_grad(x)",
                 inputs="x = [1, 2, 3] with requires_grad=True")


def test_vjp_example(learner, device):
    """For f(x) = x ** 2 and v = [1, 0, -1], v^T J = 2 x v = [2, 0, -6]."""
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, device=device)
    v = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64, device=device)
    got = learner.probe("vjp", "square", x, v)
    expect_close(got["value"], 2 * x * v, what="vjp(lambda x: x ** 2, x, v)", inputs="x = [1, 2, 3], v = [1, 0, -1]")


def test_jacobian_example(learner, device):
    """The Jacobian of A @ x is A."""
    A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=torch.float64, device=device)
    x = torch.tensor([0.5, -1.0], dtype=torch.float64, device=device)
    got = learner.probe("jacobian", "matvec", x, A=A)
    expect_close(got["value"], A, what="jacobian(lambda x: A @ x, x)", inputs="A = [[1, 2], [3, 4], [5, 6]], x = [0.5, -1]")
