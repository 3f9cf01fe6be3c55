"""Public graders for custom-function-ctx."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_equal


def test_matmul_example(learner, device):
    """MatMul.apply(a, b) is a @ b, and its gradients are g @ b.T and a.T @ g."""
    f64 = dict(dtype=torch.float64, device=device)
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], **f64, requires_grad=True)
    b = torch.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], **f64, requires_grad=True)
    inputs = "a = [[1, 2], [3, 4]], b = [[0.5, -1, 2], [1, 0, -0.5]], incoming gradient of ones"
    out = learner.function("MatMul.apply")(a, b)
    expect_close(out, (a @ b).detach(), what="MatMul.apply(a, b)", inputs=inputs)
    ga, gb = torch.autograd.grad(out, (a, b), torch.ones_like(out))
    g = torch.ones(2, 3, **f64)
    expect_close(ga, g @ b.detach().T, what="the gradient for a", inputs=inputs)
    expect_close(gb, a.detach().T @ g, what="the gradient for b", inputs=inputs)


def test_sort_example(learner, device):
    """Sort.apply([3, 1, 2]) gives values [1, 2, 3], indices [1, 2, 0] (not requiring grad), gradient scattered back."""
    x = torch.tensor([3.0, 1.0, 2.0], dtype=torch.float64, device=device)
    got = learner.probe("outputs", "Sort", x)
    inputs = "x = [3, 1, 2], dim = -1, descending = False"
    if len(got["outs"]) != 2:
        raise CheckFailure("Sort.apply must return (values, indices)", f"inputs: {inputs}")
    expect_close(got["outs"][0], torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, device=device), what="the values",
                 inputs=inputs)
    expect_close(got["outs"][1], torch.tensor([1, 2, 0], device=device), what="the indices", inputs=inputs)
    expect_equal(got["requires_grad"], [True, False], what="requires_grad of (values, indices)")
    g = torch.tensor([10.0, 20.0, 30.0], dtype=torch.float64, device=device)
    grad = learner.probe("values_grad", "Sort", x, g)
    expect_close(grad, torch.tensor([30.0, 10.0, 20.0], dtype=torch.float64, device=device),
                 what="the gradient of (values * [10, 20, 30]).sum()", inputs=inputs)


def test_clamp_example(learner, device):
    """Clamp.apply([-2, 0, 0.5, 3], -1, 1) gives [-1, 0, 0.5, 1] and clipped = [1, 0, 0, 1] (not requiring grad)."""
    x = torch.tensor([-2.0, 0.0, 0.5, 3.0], dtype=torch.float64, device=device)
    got = learner.probe("outputs", "Clamp", x, -1.0, 1.0)
    inputs = "x = [-2, 0, 0.5, 3], low = -1, high = 1"
    if len(got["outs"]) != 2:
        raise CheckFailure("Clamp.apply must return (clamped, clipped)", f"inputs: {inputs}")
    expect_close(got["outs"][0], torch.tensor([-1.0, 0.0, 0.5, 1.0], dtype=torch.float64, device=device),
                 what="the clamped values", inputs=inputs)
    expect_close(got["outs"][1], torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64, device=device),
                 what="the clipped mask", inputs=inputs)
    expect_equal(got["requires_grad"], [True, False], what="requires_grad of (clamped, clipped)")
