"""Hidden graders for debug-hooks: per-pass gradient norms (references computed here, in the judge; float32, and
float64 with frozen parameters and gradients beyond float32's range), removable hooks; for first_nonfinite_module,
random models drawn per run (nested Sequentials with random names and traps at random places: NaN, inf or -inf, an inf
only inside a nested tuple, a NaN made by the root itself or by a nested container's own forward, none), sent to the
worker as specs, whose answers are found here on the judge's own copy, and a model whose forward raises. Each grader mixes kinds in a random order, so
no fixed answer passes it, and each includes a case that separates the near-miss methods it is about."""

import math

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)
T = load_sibling(__file__, "test_public.py")


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def expected_norms(seed, device, passes=2, variant="plain"):
    """Each pass's own gradient norm of every parameter: {name: [norm per pass]}, None for a frozen parameter (it gets
    no gradient: only its key and a list are graded) (judge side)."""
    model = probes.mlp(seed, device, variant)
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    want = {n: None if not p.requires_grad else [] for n, p in model.named_parameters()}
    scales = probes.VARIANTS[variant]["scales"]
    for x, scale in zip(probes.grad_inputs(seed, device, variant=variant)[:passes], scales):
        grads = torch.autograd.grad(probes.loss_of(model, x, scale), [p for _, p in trained])
        for (n, _), g in zip(trained, grads):
            want[n].append(float(g.norm()))
    return want


def check_log(log, want, what, rel_tol=1e-5, abs_tol=1e-7):
    if not isinstance(log, dict) or set(log) != set(want):
        raise CheckFailure(f"the log must map every name of model.named_parameters() to a list, frozen parameters "
                           f"included ({what})")
    for name, expected in want.items():
        values = log[name]
        if not isinstance(values, list):
            raise CheckFailure(f"log[{name!r}] must be a list ({what})")
        if expected is None:  # a frozen parameter: no gradient is computed for it
            continue
        if len(values) != len(expected):
            raise CheckFailure(f"log[{name!r}] holds {len(values)} value(s) after {len(expected)} logged backward "
                               f"pass(es): one per pass ({what})")
        if not all(type(v) is float for v in values):
            raise CheckFailure(f"the logged norms must be Python floats ({what})")
        if not all(math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol) for a, b in zip(values, expected)):
            raise CheckFailure(f"the logged norms of {name} are not the L2 norms of each pass's own gradient, in the "
                               f"gradient's own dtype ({what})")


def test_grad_norms_per_pass(learner, device, rng):
    """Each parameter's log holds the norm of that pass's gradient, for two passes without zero_grad: a float32 model;
    then a float64 one with a frozen layer (its names still get a list) whose passes' gradients are beyond float32's
    range (about 1e100, then 1e-100), compared to float64 precision."""
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device))
    check_log(got["log"], expected_norms(seed, device), "two passes, then every handle removed and a third pass")
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device), "float64")
    check_log(got["log"], expected_norms(seed, device, variant="float64"),
              "a float64 model with a frozen layer, gradients of about 1e100 then 1e-100", rel_tol=1e-12, abs_tol=0.0)


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
    nested tuple, one whose root alone makes a NaN in its own forward (None: the root is excluded), one whose nested
    container makes the first NaN in its own forward from its children's finite outputs (that container is the
    answer, not a leaf), and one more broken one."""
    check_models(learner, device, rng, ["tuple", "root", "container", "top"],
                 "first_nonfinite_module is wrong for random models: look at every tensor of an output, also inside "
                 "nested tuples, watch every submodule (a container whose own forward makes the NaN is the answer), "
                 "and exclude the root (a NaN made only by the model's own forward gives None)")


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


def raising_case(rng):
    """A random model whose first non-finite output comes from a nested module, with a last block whose Linear has the
    wrong width (in_features 11, where every width is 3 to 6): its forward raises after the hooks have fired."""
    spec, x = T.draw_case(rng, "nested")
    w = torch.randn(3, 11, generator=rng, dtype=torch.float64)
    b = torch.randn(3, generator=rng, dtype=torch.float64)
    spec["blocks"].append(["broken", ["seq", [["0", ["tanh"]], ["1", ["linear", w, b]]]]])
    return spec, x


def test_no_hooks_left_and_repeatable(learner, device, rng):
    """Several calls on one random model (inputs drawn per run, broken and finite ones in a random pattern) answer for
    their own input; afterwards no hook is attached and plain forward passes give the model's own outputs. And on a
    model whose forward pass raises, no hook is left afterwards either (whether or not the error reaches the caller)."""
    spec, x = raising_case(rng)
    got = learner.probe("nonfinite_raises", spec, x.to(device))
    if not isinstance(got, dict) or got.get("hooks_left"):
        raise CheckFailure("first_nonfinite_module left hooks attached after the model's forward pass raised: remove "
                           "every handle in a finally block")
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
