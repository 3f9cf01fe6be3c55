"""Hidden graders for debug-hooks: per-pass gradient norms (references computed here, in the judge), removable
hooks; for first_nonfinite_module, random models drawn per run (nested Sequentials with random names and traps at
random places: NaN, inf or -inf, an inf only inside a nested tuple, a NaN made by the root itself, none), sent to the
worker as specs, whose answers are found here on the judge's own copy. Each grader mixes kinds in a random order, so
no fixed answer passes it, and each includes a case that separates the near-miss methods it is about."""

import math

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)
T = load_sibling(__file__, "test_public.py")


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
    if not isinstance(got, dict) or got.get("hooks_left"):
        raise CheckFailure(f"first_nonfinite_module left hooks attached afterwards ({what}): keep every handle and "
                           "remove it in a finally block")


def check_models(learner, device, rng, kinds, prop):
    cases = []
    for kind in kinds:  # the broken cases name different modules where they can
        cases.append(T.draw_case(rng, kind, avoid=[T.answer(s, x) for s, x in cases]))
    for i in torch.randperm(len(cases), generator=rng).tolist():
        spec, x = cases[i]
        x = x.to(device)
        got = learner.probe("nonfinite", spec, x)
        T.expect_answer(got, T.answer(spec, x), prop)
        hooks_check(got, "random models")


def test_first_nonfinite(learner, device, rng):
    """Random models (drawn per run, in a random order): the first culprit inside a nested block (the container and
    later modules are non-finite too), a top-level one, one whose first non-finite output is an inf (a NaN comes
    later or never), one whose first is a -inf (log of an exact zero), and an all-finite one (None); no hooks left."""
    check_models(learner, device, rng, ["nested", "top", "inf_only", "neg_inf", "finite"],
                 "first_nonfinite_module is wrong for random models (the first module, in the order forward passes "
                 "finish, whose output holds a NaN, inf or -inf, the root excluded; None when all are finite)")


def test_nested_outputs_and_root(learner, device, rng):
    """Random models (drawn per run, in a random order): one whose first non-finite output is an inf only inside a
    nested tuple, one whose root alone makes a NaN in its own forward (None: the root is excluded), and one more
    broken one."""
    check_models(learner, device, rng, ["tuple", "root", "top"],
                 "first_nonfinite_module is wrong for random models: look at every tensor of an output, also inside "
                 "nested tuples, and exclude the root (a NaN made only by the model's own forward gives None)")


def same_values(a, b):
    """Same shape and dtype, NaN and +-inf at the same places, finite values equal to float64 rounding."""
    if not isinstance(a, torch.Tensor) or a.shape != b.shape or a.dtype != b.dtype:
        return False
    a, b = a.cpu(), b.cpu()
    if not (torch.equal(a.isnan(), b.isnan()) and torch.equal(a == math.inf, b == math.inf)
            and torch.equal(a == -math.inf, b == -math.inf)):
        return False
    finite = a.isfinite()
    return bool(torch.allclose(a[finite], b[finite], rtol=1e-9, atol=1e-12))


PATTERNS = ["BFB", "FBFB", "BBFB", "BFBF"]


def draw_repeated(rng):
    """A random model, and inputs for it in a random order: some whose forward breaks (at a module found here), a
    finite one after a broken one and a broken one after a finite one."""
    for _ in range(5000):
        spec = T.draw_model(rng)
        xs = [torch.randn(T._int(rng, 2, 5), 4, generator=rng, dtype=torch.float64) * s
              for s in (0.05, 0.5, 2.0, 20.0)]
        fs = [T.analyse(spec, x) for x in xs]
        if any(f["extreme"] for f in fs):
            continue
        bad = [x for x, f in zip(xs, fs) if f["answer"] is not None]
        fine = [x for x, f in zip(xs, fs) if f["answer"] is None]
        if bad and fine:
            pattern = T._pick(rng, PATTERNS)
            picks = {"B": bad, "F": fine}
            return spec, [picks[c][T._int(rng, 0, len(picks[c]) - 1)] for c in pattern]
    raise AssertionError("prep could not draw a model for repeated calls")  # the grader's bug, never the learner's


def test_no_hooks_left_and_repeatable(learner, device, rng):
    """Several calls on one random model (inputs drawn per run, broken and finite ones in a random pattern) answer for
    their own input; afterwards no hook is attached and plain forward passes give the model's own outputs."""
    spec, xs = draw_repeated(rng)
    xs = [x.to(device) for x in xs]
    got = learner.probe("nonfinite_repeated", spec, xs)
    want = [T.answer(spec, x) for x in xs]
    answers = got.get("answers") if isinstance(got, dict) else None
    if not isinstance(answers, list) or len(answers) != len(want) or any(
            type(a) is not type(w) or a != w for a, w in zip(answers, want)):
        raise CheckFailure("called again on the same model, first_nonfinite_module must answer for the new input alone "
                           "(inputs that break the forward pass and finite ones, in a random order)")
    hooks_check(got, f"after {len(xs)} calls on one model")
    model = probes.model(spec).to(device)
    with torch.no_grad():
        plain = [model(x) for x in xs]
    if not isinstance(got["plain"], list) or len(got["plain"]) != len(plain) or not all(
            same_values(a, b) for a, b in zip(got["plain"], plain)):
        raise CheckFailure("after first_nonfinite_module returned, a plain forward pass of the model no longer gives "
                           "its own output")
