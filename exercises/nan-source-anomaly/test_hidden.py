"""Hidden graders for nan-source-anomaly: random inputs per run with the NaN trigger placed at a random spot."""

import torch

from grader.judge.checks import CheckFailure, expect_equal, expect_raises


def with_value(rng, device, base, value):
    """base values with one entry replaced by value, at a random position."""
    x = base.clone()
    x[int(torch.randint(0, x.numel(), (1,), generator=rng))] = value
    return x.to(device)


def uniform(rng, n, low, high):
    return torch.rand(n, generator=rng) * (high - low) + low


def test_names_the_nan_backward(learner, device, rng):
    """sqrt at 0, the where(x > 0, sqrt(x), 0) trap, acos at 1, x / x at 0 and exp overflow: each node is named."""
    cases = [("sqrt_at_zero", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), 0.0), "SqrtBackward0"),
             ("where_sqrt", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), -2.0), "SqrtBackward0"),
             ("acos_at_one", with_value(rng, device, uniform(rng, 6, -0.9, 0.9), 1.0), "AcosBackward0"),
             ("div_by_itself", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), 0.0), "DivBackward0"),
             ("exp_overflow", with_value(rng, device, uniform(rng, 6, -1.0, 1.0), 1000.0), "ExpBackward0")]
    for name, x, want in cases:
        got = learner.probe("nan_backward", name, x)
        expect_equal(got["value"], want, what=f"the backward function that returns NaN ({name})")


def test_none_when_backward_is_finite(learner, device, rng):
    """No NaN in backward gives None: a NaN only in the forward (log(x - 1)), a norm at 0, no trigger at all."""
    x = uniform(rng, 5, 0.1, 0.9).to(device)
    cases = [("log_forward_only", (x,)), ("norm_at_zero", (x, x.clone())), ("safe", (x,)),
             ("sqrt_at_zero", (uniform(rng, 5, 0.5, 2.0).to(device),))]
    for name, args in cases:
        got = learner.probe("nan_backward", name, *args)
        if got["value"] is not None:
            raise CheckFailure(f"find_nan_backward must return None when no backward function returns NaN ({name})")


def test_leaves_state_clean(learner, device, rng):
    """Afterwards anomaly mode is off, grad mode is on, and inputs that require grad still have .grad None."""
    for name, value in (("sqrt_at_zero", 0.0), ("safe", 1.0)):
        x = with_value(rng, device, uniform(rng, 4, 0.5, 2.0), value).requires_grad_()
        got = learner.probe("nan_backward", name, x)
        if got["anomaly_left_on"]:
            raise CheckFailure("anomaly detection is still enabled afterwards: use the context manager "
                               "torch.autograd.detect_anomaly(), which restores the previous state")
        if not got["grad_mode"]:
            raise CheckFailure("grad mode is off afterwards")
        if got["input_grads"][0] is not None:
            raise CheckFailure("find_nan_backward wrote into the caller's .grad: differentiate copies")


def test_other_errors_propagate(learner, device, rng):
    """An error that is not a NaN report (here a ValueError raised by fn) is not swallowed."""
    x = uniform(rng, 3, 0.0, 1.0).to(device)
    expect_raises(lambda: learner.probe("nan_backward", "refuses", x), "ValueError",
                  what="find_nan_backward on a function that raises ValueError")


def test_first_nonfinite_module(learner, device, rng):
    """The first non-finite output: log after tanh, exp overflowing inside a nested head, the root module itself."""
    x = (torch.randn(6, 4, generator=rng) * 2).to(device)
    for name, want in (("tanh_log", "2"), ("nested_exp", "head.1"), ("root", ""), ("finite", None)):
        got = learner.probe("nonfinite", name, x)
        expect_equal(got["value"], want, what=f"first_nonfinite_module for the {name} model")


def test_hooks_removed(learner, device, rng):
    """Every hook first_nonfinite_module registers is removed before it returns."""
    x = (torch.randn(3, 4, generator=rng)).to(device)
    for name in ("tanh_log", "nested_exp", "finite"):
        got = learner.probe("nonfinite", name, x)
        if got["hooks_left"]:
            raise CheckFailure(f"{got['hooks_left']} hook(s) are still registered on the {name} model: keep the "
                               "handles and call .remove() on each")
