"""Hidden graders for debug-hooks: per-pass gradient norms (references computed here, in the judge), removable
hooks, NaN / inf / -inf sources, nested outputs, the root excluded, repeated calls and no leftovers."""

import math

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def expected_norms(seed, device, passes=2):
    """Each pass's own gradient norm of every parameter: {name: [norm per pass]} (judge side)."""
    model = probes.mlp(seed, device)
    want = {n: [] for n, _ in model.named_parameters()}
    for x in probes.grad_inputs(seed, device)[:passes]:
        grads = torch.autograd.grad(probes.loss_of(model, x), list(model.parameters()))
        for (n, _), g in zip(model.named_parameters(), grads):
            want[n].append(float(g.norm()))
    return want


def check_log(log, want, what):
    if not isinstance(log, dict) or set(log) != set(want):
        raise CheckFailure(f"the log must map every name of model.named_parameters() to a list ({what})")
    for name, expected in want.items():
        values = log[name]
        if not isinstance(values, list):
            raise CheckFailure(f"log[{name!r}] must be a list ({what})")
        if len(values) != len(expected):
            raise CheckFailure(f"log[{name!r}] holds {len(values)} value(s) after {len(expected)} logged backward "
                               f"pass(es): one per pass ({what})")
        if not all(type(v) is float for v in values):
            raise CheckFailure(f"the logged norms must be Python floats ({what})")
        if not all(math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7) for a, b in zip(values, expected)):
            raise CheckFailure(f"the logged norms of {name} are not the L2 norms of each pass's own gradient ({what})")


def test_grad_norms_per_pass(learner, device, rng):
    """Each parameter's log holds the norm of that pass's gradient, for two passes without zero_grad."""
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device))
    check_log(got["log"], expected_norms(seed, device), "two passes, then every handle removed and a third pass")


def test_handles_remove_hooks(learner, device, rng):
    """After removing the returned handles, a further backward pass logs nothing."""
    got = learner.probe("grad_log", seed_of(rng), str(device))
    if got["handles"] < 1:
        raise CheckFailure("attach_grad_norm_logger must return (log, handles) with handles a list of hook handles")
    if not isinstance(got["log"], dict) or any(not isinstance(v, list) or len(v) != 2 for v in got["log"].values()):
        raise CheckFailure("after every handle's remove(), the hooks must stop logging (and each pass logs once)")


def test_logger_called_twice(learner, device, rng):
    """Two calls on one model give two logs, each with one entry per pass (no shared log filling twice)."""
    seed = seed_of(rng)
    got = learner.probe("grad_log_twice", seed, str(device))
    want = expected_norms(seed, device)
    check_log(got["first"], want, "the first of two calls on one model")
    check_log(got["second"], want, "the second of two calls on one model")


def hooks_check(got, what):
    if got["hooks_left"]:
        raise CheckFailure(f"first_nonfinite_module left hooks attached afterwards ({what}): keep every handle and "
                           "remove it in a finally block")


def test_first_nonfinite(learner, device, rng):
    """NaN from a log, inf from an exp inside a nested container (inner name), -inf from log(0), None when all is
    finite; no hooks left."""
    seed = seed_of(rng)
    for name, want in (("log_of_negative", "2"), ("nested_exp_overflow", "1.1"), ("log_of_zero", "2"),
                       ("all_finite", None)):
        got = learner.probe("nonfinite", name, seed, str(device))
        if got["got"] != want:
            raise CheckFailure(f"first_nonfinite_module is wrong for a model with {name.replace('_', ' ')}")
        hooks_check(got, f"a model with {name.replace('_', ' ')}")


def test_nested_outputs_and_root(learner, device, rng):
    """An inf only inside a nested tuple output is found; a NaN made by the root's own forward (no submodule's) gives
    None, since the root is excluded."""
    seed = seed_of(rng)
    got = learner.probe("nonfinite", "nested_tuple", seed, str(device))
    if got["got"] != "1":
        raise CheckFailure("first_nonfinite_module must look at every tensor of an output, also inside nested tuples")
    hooks_check(got, "a module returning a nested tuple")
    got = learner.probe("nonfinite", "root_only", seed, str(device))
    if got["got"] is not None:
        raise CheckFailure("first_nonfinite_module must exclude the root: when only the model's own forward makes a "
                           "NaN and every submodule's output is finite, the answer is None")
    hooks_check(got, "a model whose root makes the NaN")


def same_values(a, b):
    """Same shape and dtype, NaN and +-inf at the same places, finite values equal to float32 rounding."""
    if not isinstance(a, torch.Tensor) or a.shape != b.shape or a.dtype != b.dtype:
        return False
    a, b = a.cpu(), b.cpu()
    if not (torch.equal(a.isnan(), b.isnan()) and torch.equal(a == math.inf, b == math.inf)
            and torch.equal(a == -math.inf, b == -math.inf)):
        return False
    finite = a.isfinite()
    return bool(torch.allclose(a[finite], b[finite], rtol=1e-5, atol=1e-6))


def test_no_hooks_left_and_repeatable(learner, device, rng):
    """Three calls on one model (overflowing, finite, overflowing input) answer for their own input; afterwards no
    hook is attached and plain forward passes give the model's own outputs."""
    seed = seed_of(rng)
    got = learner.probe("nonfinite_repeated", seed, str(device))
    if got["answers"] != ["1.1", None, "1.1"]:
        raise CheckFailure("called again on the same model, first_nonfinite_module must answer for the new input alone "
                           "(an overflowing input, then a finite one, then the overflowing one again)")
    hooks_check(got, "after three calls on one model")
    model = probes.broken_model("nested_exp_overflow", seed, device)
    big = probes.broken_input("nested_exp_overflow", seed, device)
    with torch.no_grad():
        want = [model(big * 1e-3), model(big)]
    if not isinstance(got["plain"], list) or len(got["plain"]) != 2 or not all(
            same_values(a, b) for a, b in zip(got["plain"], want)):
        raise CheckFailure("after first_nonfinite_module returned, a plain forward pass of the model no longer gives "
                           "its own output")
