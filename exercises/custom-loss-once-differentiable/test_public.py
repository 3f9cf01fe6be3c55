"""Public graders for custom-loss-once-differentiable."""

import torch

from grader.judge.checks import expect_close


def test_huber_example(learner, device):
    """Both classes give F.huber_loss's value and gradients for residuals -3, -0.5, 0, 2 (delta 1)."""
    f64 = dict(dtype=torch.float64, device=device)
    pred = torch.tensor([-3.0, 0.5, 1.0, 2.0], **f64)
    target = torch.tensor([0.0, 1.0, 1.0, 0.0], **f64)
    p = pred.clone().requires_grad_()
    want = torch.nn.functional.huber_loss(p, target, delta=1.0)
    (gp,) = torch.autograd.grad(want, p)
    inputs = "pred = [-3, 0.5, 1, 2], target = [0, 1, 1, 0], delta = 1"
    for name in ("HuberLoss", "HuberLossOnce"):
        got = learner.probe("run", name, pred, target, 1.0)
        expect_close(got["loss"], want.detach(), what=f"{name}.apply(pred, target, 1.0)", inputs=inputs)
        expect_close(got["grad_pred"], gp, what=f"the gradient of {name} for pred", inputs=inputs)
        expect_close(got["grad_target"], -gp, what=f"the gradient of {name} for target", inputs=inputs)
