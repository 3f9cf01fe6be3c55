"""Hidden graders for custom-loss-once-differentiable: random residuals per run, double backward, a gradient penalty."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, banned_names_used, check_gradients, expect_close

BANNED = ["torch.nn.functional.huber_loss", "torch.nn.functional.smooth_l1_loss", "torch.nn.HuberLoss",
          "torch.nn.SmoothL1Loss"]
NAMES = ("HuberLoss", "HuberLossOnce")


def rand(rng, *shape, device, scale=2.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def reference(pred, target, delta):
    p, t = pred.clone().requires_grad_(), target.clone().requires_grad_()
    loss = F.huber_loss(p, t, delta=delta)
    gp, gt = torch.autograd.grad(loss, (p, t))
    return loss.detach(), gp, gt


def test_values_and_gradients_match_torch(learner, device, rng):
    """Values and gradients equal F.huber_loss's for several shapes, deltas and residuals up to 1e4."""
    cases = (((7,), 1.0), ((3, 4), 0.5), ((), 2.0), ((5,), 1.0))
    for name in NAMES:
        for k, (shape, delta) in enumerate(cases):
            pred, target = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
            if k == 3:
                pred = pred * 5e3
            got = learner.probe("run", name, pred, target, delta)
            loss, gp, gt = reference(pred, target, delta)
            what = f"{name} for shape {shape}, delta {delta}"
            expect_close(got["loss"], loss, rtol=1e-12, atol=1e-12, what=f"the loss of {what}")
            expect_close(got["grad_pred"], gp, rtol=1e-12, atol=1e-12, what=f"the gradient for pred of {what}")
            expect_close(got["grad_target"], gt, rtol=1e-12, atol=1e-12, what=f"the gradient for target of {what}")


def test_default_delta_is_one(learner, device, rng):
    """Called as .apply(pred, target), delta defaults to 1.0."""
    pred, target = rand(rng, 6, device=device), rand(rng, 6, device=device)
    for name in NAMES:
        expect_close(learner.probe("run", name, pred, target)["loss"], reference(pred, target, 1.0)[0], rtol=1e-12,
                     atol=1e-12, what=f"{name}.apply(pred, target)")


def test_gradcheck(learner, device, rng):
    """gradcheck passes for both classes, with respect to pred and target."""
    for name in NAMES:
        pred = rand(rng, 5, device=device).requires_grad_()
        target = rand(rng, 5, device=device).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (pred, target), what=name, fast=True)


def test_gradgradcheck_differentiable_version(learner, device, rng):
    """HuberLoss supports double backward (save the inputs, not an intermediate computed in forward)."""
    pred = rand(rng, 5, device=device).requires_grad_()
    target = rand(rng, 5, device=device).requires_grad_()
    check_gradients(learner.function("HuberLoss.apply"), (pred, target), what="HuberLoss", second_order=True, fast=True)


def test_once_version_refuses_double_backward(learner, device, rng):
    """HuberLossOnce's backward is marked @once_differentiable: differentiating its gradient raises that error."""
    got = learner.probe("double_backward", "HuberLossOnce", rand(rng, 5, device=device), rand(rng, 5, device=device))
    if got["error"] is None or "once_differentiable" not in got["error"]:
        raise CheckFailure("differentiating HuberLossOnce's gradient should raise the @once_differentiable error: "
                           "decorate its backward with torch.autograd.function.once_differentiable")
    if got["grad_requires_grad"]:
        raise CheckFailure("with @once_differentiable the gradient must not carry a graph")


def test_differentiable_version_allows_double_backward(learner, device, rng):
    """HuberLoss's gradient, taken with create_graph=True, requires grad and can be back-propagated."""
    got = learner.probe("double_backward", "HuberLoss", rand(rng, 5, device=device), rand(rng, 5, device=device))
    if got["error"] is not None or not got["grad_requires_grad"]:
        raise CheckFailure("HuberLoss's gradient must be differentiable: no @once_differentiable, no detach in backward")


def test_grad_penalty(learner, device, rng):
    """grad_penalty is ||d loss / d pred||^2 and its own gradient with respect to pred is right."""
    for delta in (1.0, 0.7):
        pred, target = rand(rng, 6, device=device), rand(rng, 6, device=device)
        p = pred.clone().requires_grad_()
        (g,) = torch.autograd.grad(F.huber_loss(p, target, delta=delta), p, create_graph=True)
        want = (g * g).sum()
        (want_grad,) = torch.autograd.grad(want, p)
        got = learner.probe("penalty", pred, target, delta)
        expect_close(got["value"], want.detach(), rtol=1e-12, atol=1e-14, what=f"grad_penalty (delta {delta})")
        if got["grad"] is None:
            raise CheckFailure("grad_penalty must stay differentiable with respect to pred (create_graph=True)")
        expect_close(got["grad"], want_grad, rtol=1e-10, atol=1e-14, what=f"the gradient of grad_penalty (delta {delta})")


def test_no_builtin_huber(learner, source, device, rng):
    """The loss is your own: F.huber_loss, F.smooth_l1_loss and their nn modules are not used (and it works)."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the Huber loss yourself")
    pred, target = rand(rng, 4, device=device), rand(rng, 4, device=device)
    expect_close(learner.probe("run", "HuberLoss", pred, target, 1.0)["loss"], reference(pred, target, 1.0)[0],
                 rtol=1e-12, atol=1e-12, what="HuberLoss")
