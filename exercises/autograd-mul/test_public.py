"""Public graders for autograd-mul: read them, run them with `prep check autograd-mul`."""

import torch

from grader.judge.checks import expect_close


def test_forward_example(learner, device):
    """Mul.apply(x, y) equals x * y on a small example."""
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    y = torch.tensor([4.0, 5.0, 6.0], device=device)
    out = learner.call("Mul.apply", x, y)
    expect_close(out, x * y, what="Mul.apply(x, y)", inputs="x=[1, 2, 3], y=[4, 5, 6]")


def test_backward_example(learner, device):
    """The gradients of (Mul.apply(x, y) * g).sum() are g * y and g * x."""
    x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = torch.tensor([4.0, 5.0, 6.0], device=device, requires_grad=True)
    g = torch.tensor([1.0, -1.0, 0.5], device=device)
    fn = learner.function("Mul.apply")
    gx, gy = torch.autograd.grad(fn(x, y), (x, y), g)
    inputs = "x=[1, 2, 3], y=[4, 5, 6], incoming gradient g=[1, -1, 0.5]"
    expect_close(gx, (g * y).detach(), what="the gradient for x", inputs=inputs)
    expect_close(gy, (g * x).detach(), what="the gradient for y", inputs=inputs)
