"""Public graders for gradient-hooks."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_log_example(learner, device):
    """One backward through a small MLP logs one norm per parameter, equal to that parameter's gradient norm."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 3, generator=g).to(device), torch.randn(4, 2, generator=g).to(device)
    got = learner.probe("logging_run", 0, [(x, y)])
    inputs = "Sequential(Linear(3, 5), Tanh(), Linear(5, 2)) after torch.manual_seed(0), one batch of 4, F.mse_loss"
    if not isinstance(got["log"], dict) or sorted(got["log"]) != sorted(got["want"][0]):
        raise CheckFailure("log must be a dict with one key per parameter name", f"inputs: {inputs}")
    for name, norm in got["want"][0].items():
        logged = got["log"][name]
        if len(logged) != 1 or not math.isclose(logged[0], norm, rel_tol=1e-6):
            raise CheckFailure(f"the logged norms for {name} are wrong",
                               f"inputs: {inputs}\nexpected [{norm:.6g}]\nreceived {logged}")


def test_clamp_example(learner, device):
    """Clamping the gradient at t = 2x to [-1, 1] for loss = sum(t^3) gives x.grad = 2 * clamp(3 t^2, -1, 1)."""
    x = torch.tensor([0.1, 0.5, -2.0], dtype=torch.float64, device=device)
    w = torch.tensor(2.0, dtype=torch.float64, device=device)
    got = learner.probe("clamp_run", x, w, 1.0)
    t = x * w
    expect_close(got, 2 * torch.clamp(3 * t ** 2, -1.0, 1.0), what="x.grad with the gradient at t clamped",
                 inputs="x = [0.1, 0.5, -2], t = 2 x, loss = sum(t^3), bound = 1")
