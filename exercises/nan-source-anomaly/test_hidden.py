"""Hidden graders for nan-source-anomaly: random inputs per run with the trigger placed at a random spot; the expected
answers are fixed here, in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_raises


def with_value(rng, device, base, value):
    """base values with one entry replaced by value, at a random position."""
    x = base.clone()
    x[int(torch.randint(0, x.numel(), (1,), generator=rng))] = value
    return x.to(device)


def uniform(rng, n, low, high):
    return torch.rand(n, generator=rng) * (high - low) + low


def check_named(learner, name, args, want, what):
    got = learner.probe("nonfinite_grad", name, *args)
    if got["value"] != want:
        raise CheckFailure(f"first_nonfinite_grad is wrong for {what}")


def test_names_the_first_nonfinite_node(learner, device, rng):
    """NaN from sqrt(x) * 0 at 0, the where(x > 0, sqrt(x), 0) trap, x / x at 0; and the first node in backward's
    order: sqrt(2 x) (its inf spreads to the Mul after it), two broken branches (the one backward runs first)."""
    pos = lambda n=6: uniform(rng, n, 0.5, 3.0)  # noqa: E731
    cases = [("sqrt_times_zero", (with_value(rng, device, pos(), 0.0),), "SqrtBackward0",
              "sqrt(x) * 0 at x = 0 (0 / 0 = NaN)"),
             ("where_sqrt", (with_value(rng, device, pos(), -2.0),), "SqrtBackward0",
              "where(x > 0, sqrt(x), 0) at a negative x (the masked branch's gradient is NaN)"),
             ("div_by_itself", (with_value(rng, device, pos(), 0.0),), "DivBackward0", "x / x at 0"),
             ("scaled_sqrt", (with_value(rng, device, pos(), 0.0),), "SqrtBackward0",
              "sqrt(2 x) at 0: the first node is the sqrt, not the Mul that receives its inf"),
             ("sqrt_then_log", (with_value(rng, device, pos(), 0.0), with_value(rng, device, pos(), 0.0)),
              "LogBackward0", "s = sqrt(x), l = log(y), s + l with zeros in both: backward runs the log's node "
                              "(created last) first"),
             ("sqrt_then_log_swapped", (with_value(rng, device, pos(), 0.0), with_value(rng, device, pos(), 0.0)),
              "LogBackward0", "s = sqrt(x), l = log(y), l + s with zeros in both: backward runs the log's node first"),
             ("log_then_sqrt", (with_value(rng, device, pos(), 0.0), with_value(rng, device, pos(), 0.0)),
              "SqrtBackward0", "l = log(y), s = sqrt(x), l + s with zeros in both: backward runs the sqrt's node "
                               "first")]
    for name, args, want, what in cases:
        check_named(learner, name, args, want, what)


def test_inf_gradients_count(learner, device, rng):
    """An inf (not NaN) gradient counts: sqrt and x ** 0.5 at 0, log at 0, exp overflowing (anomaly mode misses all)."""
    cases = [("sqrt", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), 0.0), "SqrtBackward0", "sqrt at 0"),
             ("pow_half", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), 0.0), "PowBackward0", "x ** 0.5 at 0"),
             ("log", with_value(rng, device, uniform(rng, 6, 0.5, 3.0), 0.0), "LogBackward0",
              "log at 0 (a -inf gradient)"),
             ("exp", with_value(rng, device, uniform(rng, 6, -1.0, 1.0), 1000.0), "ExpBackward0",
              "exp overflowing to inf"),
             ("log", with_value(rng, device, uniform(rng, 8, 0.5, 3.0).double(), 5e-309), "LogBackward0",
              "log at a subnormal x = 5e-309 in float64 (a finite value whose gradient 1 / x overflows to inf)")]
    for name, x, want, what in cases:
        check_named(learner, name, (x,), want, f"{what}: an infinite gradient counts as non-finite")


def test_shared_graph_in_time(learner, device, rng):
    """A value reused at every step of a 40-step loop (2 ** 40 paths, 123 nodes): each node is visited once."""
    check_named(learner, "reused_in_a_loop", (with_value(rng, device, uniform(rng, 5, 0.5, 3.0), 0.0),),
                "SqrtBackward0", "a graph whose nodes are shared by many paths")


def test_none_when_backward_is_finite(learner, device, rng):
    """No non-finite gradient gives None: a NaN only in the forward (log(x - 1)), a norm at 0, no trigger at all."""
    x = uniform(rng, 5, 0.1, 0.9).to(device)
    cases = [("log_forward_only", (x,)), ("norm_at_zero", (x, x.clone())), ("safe", (x,)),
             ("sqrt", (uniform(rng, 5, 0.5, 2.0).to(device),)), ("exp", (uniform(rng, 5, -2.0, 2.0).to(device),))]
    for name, args in cases:
        got = learner.probe("nonfinite_grad", name, *args)
        if got["value"] is not None:
            raise CheckFailure(f"first_nonfinite_grad must return None when every gradient is finite ({name})")


def test_leaves_caller_inputs_clean(learner, device, rng):
    """The caller's inputs (even ones that require grad) get no .grad: backward runs on copies."""
    for name, value in (("sqrt", 0.0), ("safe", 1.0)):
        x = with_value(rng, device, uniform(rng, 4, 0.5, 2.0), value).requires_grad_()
        got = learner.probe("nonfinite_grad", name, x)
        if got["input_grads"][0] is not None:
            raise CheckFailure("first_nonfinite_grad wrote into the caller's .grad: differentiate copies")


def test_other_errors_propagate(learner, device, rng):
    """An error that is not about a non-finite gradient is not swallowed: a ValueError from fn, a RuntimeError from
    backward (an output without a graph)."""
    x = uniform(rng, 3, 0.0, 1.0).to(device)
    expect_raises(lambda: learner.probe("nonfinite_grad", "refuses", x), "ValueError",
                  what="first_nonfinite_grad on a function that raises ValueError")
    expect_raises(lambda: learner.probe("nonfinite_grad", "no_graph", x), "RuntimeError",
                  what="first_nonfinite_grad on a function whose output has no graph (backward raises RuntimeError)")


def test_first_nonfinite_module(learner, device, rng):
    """The first non-finite output: log after tanh (NaN), log of relu zeros (-inf), exp overflowing inside a nested
    head, the root module itself, none."""
    x = (torch.randn(6, 4, generator=rng) * 2).to(device)
    x[0] = torch.tensor([3.0, -3.0, 3.0, -3.0])
    x[1] = -x[0]
    for name, want in (("tanh_log", "2"), ("relu_log", "2"), ("nested_exp", "head.1"), ("root", ""),
                       ("finite", None)):
        got = learner.probe("nonfinite", name, x)
        if got["value"] != want:
            raise CheckFailure(f"first_nonfinite_module is wrong for the {name} model")


def test_hooks_removed(learner, device, rng):
    """Every hook first_nonfinite_module registers is removed before it returns."""
    x = (torch.randn(3, 4, generator=rng)).to(device)
    for name in ("tanh_log", "nested_exp", "finite"):
        got = learner.probe("nonfinite", name, x)
        if got["hooks_left"]:
            raise CheckFailure(f"hooks are still attached to the {name} model afterwards: keep the handles and call "
                               ".remove() on each")
