"""Public graders for leaves-detach-freeze."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_equal


def test_round_ste_example(learner, device):
    """round_ste([0.4, 1.6, -2.5]) is [0, 2, -2] (torch.round), and its gradient passes straight through: [1, 1, 1]."""
    x = torch.tensor([0.4, 1.6, -2.5], device=device)
    got = learner.probe("ste", x, torch.ones(3, device=device))
    inputs = "x = [0.4, 1.6, -2.5], incoming gradient of ones"
    expect_close(got["out"], torch.tensor([0.0, 2.0, -2.0], device=device), what="round_ste(x)", inputs=inputs)
    expect_close(got["grad"], torch.ones(3, device=device), what="the gradient of round_ste", inputs=inputs)


def test_freeze_example(learner, device):
    """freeze(model, 'enc') freezes enc's two parameters, not those of the module called 'encoder'."""
    got = learner.probe("run_freeze", "two_encoders", "enc", 0, torch.ones(2, 3, device=device))
    expect_equal(got["names"], ["enc.0.weight", "enc.0.bias"],
                 what="freeze(model, 'enc') for Sequential(enc=Sequential(Linear, Tanh), encoder=Linear, head=Linear)")
    if not got["has_grad"]["encoder.weight"]:
        raise CheckFailure("encoder.weight must still get a gradient: only the submodule 'enc' is frozen")
