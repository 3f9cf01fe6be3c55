"""Public graders for fix-softplus."""

import torch

from grader.judge.checks import expect_close


def test_forward_example(learner, device):
    """softplus at [-2, 0, 2, 100] in float32: finite, and log(1 + e^x) to float precision."""
    x = torch.tensor([-2.0, 0.0, 2.0, 100.0], device=device)
    want = (x.double().clamp(min=0) + torch.log1p(torch.exp(-x.double().abs()))).float()
    expect_close(learner.call("softplus", x), want, what="softplus(x)", inputs="x = [-2, 0, 2, 100] (float32)")


def test_backward_example(learner, device):
    """The gradient of softplus(x).sum() at [-2, 0, 2] is sigmoid(x) = [0.1192, 0.5, 0.8808]."""
    x = torch.tensor([-2.0, 0.0, 2.0], dtype=torch.float64, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(learner.function("Softplus.apply")(x).sum(), x)
    expect_close(g, torch.sigmoid(x.detach()), what="the gradient of softplus", inputs="x = [-2, 0, 2]")
