"""Public graders for pool-functions: small fixed cases; every reference is torch's F.max_pool2d / F.avg_pool2d and
its gradient, computed here."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, summarize

X = [[1.0, -2.0, 0.5, 3.0], [4.0, 0.0, -1.0, 2.0], [-3.0, 2.5, 1.5, -0.5], [0.0, 1.0, -2.0, 6.0]]
SHOWN_X = "x (1, 1, 4, 4) = [[1, -2, 0.5, 3], [4, 0, -1, 2], [-3, 2.5, 1.5, -0.5], [0, 1, -2, 6]]"


def example(device):
    return torch.tensor([[X]], dtype=torch.float64, device=device)


def grad_of(fn, x, g, *args):
    leaf = x.detach().clone().requires_grad_()
    out = fn(leaf, *args)
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        raise CheckFailure("the pooling function must return a tensor that is part of the graph when x requires grad",
                           f"it returned {summarize(out)}")
    out.backward(g)
    return leaf.grad


def test_max_pool_example(learner, device):
    """2x2 windows, stride 2: each output is its window's largest value, and the gradient goes to that element."""
    x = example(device)
    expect_close(learner.call("max_pool2d", x, 2), F.max_pool2d(x, 2), rtol=0, atol=0, what="max_pool2d(x, 2)",
                 inputs=SHOWN_X)
    g = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=torch.float64, device=device)
    expect_close(grad_of(learner.function("max_pool2d"), x, g, 2), grad_of(F.max_pool2d, x, g, 2), rtol=1e-12,
                 atol=1e-12, what="the gradient of max_pool2d(x, 2)",
                 inputs=f"{SHOWN_X}, incoming gradient [[1, 2], [3, 4]]")


def test_avg_pool_example(learner, device):
    """3x3 windows, stride 1, padding 1: every output divides by 9, the padded zeros included (count_include_pad)."""
    x = example(device)
    expect_close(learner.call("avg_pool2d", x, 3, 1, 1), F.avg_pool2d(x, 3, 1, 1), rtol=1e-12, atol=1e-12,
                 what="avg_pool2d(x, 3, stride=1, padding=1)", inputs=SHOWN_X)
    g = torch.arange(16, dtype=torch.float64, device=device).reshape(1, 1, 4, 4)
    expect_close(grad_of(learner.function("avg_pool2d"), x, g, 3, 1, 1), grad_of(F.avg_pool2d, x, g, 3, 1, 1),
                 rtol=1e-12, atol=1e-12, what="the gradient of avg_pool2d(x, 3, stride=1, padding=1)",
                 inputs=f"{SHOWN_X}, incoming gradient arange(16) in a 4x4 grid")


def test_max_pool_tie_example(learner, device):
    """Ties: with 2x2 windows and stride 1 over x = [[1, 3, 3], [3, 2, 1], [0, 3, 1]], every window's maximum is a
    3 that appears twice; torch sends the gradient to the first one in row-major order (top row first, then left),
    so x[0, 1] (the maximum of two windows) gets 2 and x[1, 0], x[2, 1] get 1."""
    x = torch.tensor([[[[1.0, 3.0, 3.0], [3.0, 2.0, 1.0], [0.0, 3.0, 1.0]]]], dtype=torch.float64, device=device)
    g = torch.ones(1, 1, 2, 2, dtype=torch.float64, device=device)
    expect_close(grad_of(learner.function("max_pool2d"), x, g, 2, 1), grad_of(F.max_pool2d, x, g, 2, 1), rtol=1e-12,
                 atol=1e-12, what="the gradient of max_pool2d(x, 2, stride=1) with tied maxima",
                 inputs="x [[1, 3, 3], [3, 2, 1], [0, 3, 1]], incoming gradient all ones")
