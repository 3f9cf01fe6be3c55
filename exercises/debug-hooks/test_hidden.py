"""Hidden graders for debug-hooks: per-pass gradient norms, removable hooks, NaN and inf sources, no leftovers."""

import math

import torch

from grader.judge.checks import CheckFailure


def test_grad_norms_per_pass(learner, device, rng):
    """Each parameter's log holds the norm of that pass's gradient, for two passes without zero_grad."""
    got = learner.probe("grad_log", int(torch.randint(0, 10_000, (1,), generator=rng)), str(device))
    if not isinstance(got["log"], dict) or set(got["log"]) != set(got["want"]):
        raise CheckFailure("the log must map every name of model.named_parameters() to a list")
    for name, want in got["want"].items():
        values = got["log"][name]
        if len(values) < 2:
            raise CheckFailure(f"the log of {name} misses backward passes")
        if not all(type(v) is float for v in values):
            raise CheckFailure("the logged norms must be Python floats")
        if not all(math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7) for a, b in zip(values[:2], want)):
            raise CheckFailure(f"the logged norms of {name} are not the L2 norms of each pass's own gradient")


def test_handles_remove_hooks(learner, device, rng):
    """After removing the returned handles, a further backward pass logs nothing."""
    got = learner.probe("grad_log", int(torch.randint(0, 10_000, (1,), generator=rng)), str(device))
    if not isinstance(got["log"], dict):
        raise CheckFailure("attach_grad_norm_logger must return (log, handles)")
    if any(len(v) != 2 for v in got["log"].values()):
        raise CheckFailure("after every handle's remove(), the hooks must stop logging (and each pass logs once)")


def test_first_nonfinite(learner, device, rng):
    """NaN from a log, inf from an exp inside a nested container (inner name), None when all is finite; no hooks left."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    for name, want in (("log_of_negative", "2"), ("nested_exp_overflow", "1.1"), ("all_finite", None)):
        got = learner.probe("nonfinite", name, seed, str(device))
        if got["got"] != want:
            raise CheckFailure(f"first_nonfinite_module is wrong for a model with {name.replace('_', ' ')}")
        if got["hooks_left"]:
            raise CheckFailure("first_nonfinite_module left hooks registered on the model")
