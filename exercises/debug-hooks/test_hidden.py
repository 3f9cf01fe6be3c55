"""Hidden graders for debug-hooks: per-pass gradient norms (references computed here, in the judge; float32,
float64 with frozen parameters, BatchNorm buffers and gradients beyond float32's range, float16 with gradients whose
squares overflow or underflow), removable hooks; for first_nonfinite_module,
random models drawn per run (nested Sequentials with random names and traps at random places: NaN, inf or -inf, an inf
only inside a nested tuple (a namedtuple), a module called twice, finite outputs near 1e308, a training BatchNorm, a
NaN made by the root itself or by a nested container's own forward, none), sent to the worker as specs, whose answers
are found here on the judge's own copy, and a model whose forward raises. Each grader mixes kinds in a random order,
so no fixed answer passes it, and each includes a case that separates the near-miss methods it is about."""

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
                           f"included, and hold no other key (buffers are not parameters) ({what})")
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
    then a float64 one with a frozen layer (its names still get a list) and a BatchNorm1d (its buffers are no
    parameters: no key for them) whose passes' gradients are beyond float32's range (about 1e100, then 1e-100), compared
    to float64 precision; then a float16 one whose gradients' squares overflow float16 (a gradient of 600), then
    underflow it (6e-5), where torch's norm does not; and a float64 one with a parameter named neither weight nor bias
    (every name of named_parameters() is logged) and a zero-element parameter it uses (its empty gradient's norm, 0.0,
    is logged each pass) whose second pass has all-zero gradients (logged as 0.0); and a
    float64 one with two layers sharing one weight (named once by named_parameters(): one key, no alias)."""
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device))
    check_log(got["log"], expected_norms(seed, device), "two passes, then every handle removed and a third pass")
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device), "float64")
    check_log(got["log"], expected_norms(seed, device, variant="float64"),
              "a float64 model with a frozen layer and a BatchNorm1d, gradients of about 1e100 then 1e-100",
              rel_tol=1e-12, abs_tol=0.0)
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device), "gain")
    check_log(got["log"], expected_norms(seed, device, variant="gain"),
              "a float64 model with a parameter named neither weight nor bias (a per-feature gain) and a zero-element "
              "parameter the forward uses (it gets an empty gradient each pass: log its norm, 0.0), and a second pass "
              "whose loss is multiplied by 0: every parameter gets a gradient of zeros, whose norm 0.0 is logged too",
              rel_tol=1e-12, abs_tol=0.0)
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device), "tied")
    check_log(got["log"], expected_norms(seed, device, variant="tied"),
              "a float64 model whose two Linear(5, 5) layers share one weight (tied): named_parameters() names it "
              "once (as '2.weight'), so the log has that one key for it, holding the norm of its whole gradient per "
              "pass (not a second key '4.weight' from named_parameters(remove_duplicate=False))",
              rel_tol=1e-12, abs_tol=0.0)
    seed = seed_of(rng)
    got = learner.probe("grad_log", seed, str(device), "float16")
    check_log(got["log"], expected_norms(seed, device, variant="float16"),
              "a float16 model whose gradients' squares overflow, then underflow, float16: take the norm with "
              "torch's norm, not as the square root of a sum of squares", rel_tol=4e-3, abs_tol=2e-7)


def test_handles_remove_hooks(learner, device, rng):
    """After removing the returned handles, a further backward pass logs nothing."""
    got = learner.probe("grad_log", seed_of(rng), str(device))
    if got["handles"] < 1:
        raise CheckFailure("attach_grad_norm_logger must return (log, handles) with handles a list of hook handles")
    if not isinstance(got["log"], dict) or any(not isinstance(v, list) or len(v) != 2 for v in got["log"].values()):
        raise CheckFailure("after every handle's remove(), the hooks must stop logging (and each pass logs once)")


def expected_twice(seed, device):
    """The norms of the three passes of probes.grad_log_twice (judge side): {name: [A, B, C]}, B repeating A's batch."""
    model = probes.mlp(seed, device)
    params = list(model.named_parameters())
    inputs = probes.grad_inputs(seed, device)
    norms = {n: [] for n, _ in params}
    for i in probes.TWICE_PASSES:
        grads = torch.autograd.grad(probes.loss_of(model, inputs[i]), [p for _, p in params])
        for (n, _), g in zip(params, grads):
            norms[n].append(float(g.norm()))
    return norms


def test_logger_called_twice(learner, device, rng):
    """Two calls on one model give two new logs, each with one entry per pass after its own call: pass A, a second
    call, pass B (A's batch again, so the same gradient, logged again), the first call's handles removed, pass C.
    The first log holds A and B, the second B and C (no log or handle shared between calls or cached on the model,
    no pass skipped because its norm equals the previous one)."""
    seed = seed_of(rng)
    got = learner.probe("grad_log_twice", seed, str(device))
    norms = expected_twice(seed, device)
    if not isinstance(got, dict):
        raise CheckFailure("the grader could not read the logs of two calls of attach_grad_norm_logger on one model")
    check_log(got["first"], {n: v[:2] for n, v in norms.items()},
              "the first of two calls on one model: it logs passes A and B, then its handles are removed; pass B "
              "repeats A's batch, so both norms are equal and both are logged")
    check_log(got["second"], {n: v[1:] for n, v in norms.items()},
              "the second call, made after pass A: a new dict whose lists start empty, that logs passes B and C "
              "only and keeps logging after the first call's handles are removed (no log or handle cached on the "
              "model and handed out again)")


def hooks_check(got, what):
    if not isinstance(got, dict) or got.get("hooks_left"):
        raise CheckFailure(f"first_nonfinite_module left hooks attached afterwards ({what}): keep every handle and "
                           "remove it in a finally block")


def check_models(learner, device, rng, kinds, prop, extra=()):
    cases = []
    for kind in kinds:  # the broken cases name different modules where they can
        cases.append(T.draw_case(rng, kind, avoid=[T.answer(s, x) for s, x in cases]))
    cases += [make(rng) for make in extra]
    for i in torch.randperm(len(cases), generator=rng).tolist():
        spec, x = cases[i]
        x = x.to(device)
        got = learner.probe("nonfinite", spec, x)
        T.expect_answer(got, T.answer(spec, x), prop)
        hooks_check(got, "random models")


def reuse_case(rng):
    """A container whose Linear(4, 4) runs, then a Log or Sqrt makes a NaN, then the same Linear runs a second time
    (on the NaN), then a Tanh: the answer is the Log/Sqrt, whose forward finished non-finite first; the Linear's first
    forward finished finite (only its second, later one did not)."""
    for _ in range(5000):
        names = T._names(rng, 4)
        w = torch.randn(4, 4, generator=rng, dtype=torch.float64)
        b = torch.randn(4, generator=rng, dtype=torch.float64)
        blocks = [[names[0], ["linear", w, b]], [names[1], [T._pick(rng, ["log", "sqrt"])]],
                  [names[2], ["again", names[0]]], [names[3], ["tanh"]]]
        spec, x = {"blocks": blocks, "shift": None}, T.draw_input(rng)
        if T.answer(spec, x) == names[1]:
            return spec, x
    raise AssertionError("prep could not draw a model with a reused module")  # the grader's bug, never the learner's


def reuse_second_case(rng):
    """A Scale(1e200) whose first forward finishes finite (about 1e200), called a second time under a later name (its
    output overflows to inf there, from a finite input), then a Tanh: the answer is the Scale, at its second forward
    (a hook that watches only a module's first forward, or removes itself after it, misses it)."""
    for _ in range(5000):
        names = T._names(rng, 4)
        blocks = [[names[0], ["scale", 1e200]], [names[1], ["relu"]], [names[2], ["again", names[0]]],
                  [names[3], ["tanh"]]]
        spec, x = {"blocks": blocks, "shift": None}, T.draw_input(rng)
        if T.answer(spec, x) == names[0]:
            return spec, x
    raise AssertionError("prep could not draw a model with a reused module")  # the grader's bug, never the learner's


def swell_case(rng):
    """A random model behind a block whose first module outputs finite values of about 1e308 (their sum overflows to
    inf) and whose second scales them back down: that first module is never the answer (each element is finite)."""
    spec, x = T.draw_case(rng, "top")
    pre = ["seq", [["0", ["swell"]], ["1", ["scale", 1e-307]]]]
    return {"blocks": [["pre", pre], ["main", ["seq", spec["blocks"]]]], "shift": spec["shift"]}, x


def batchnorm_case(rng):
    """A random model behind a BatchNorm1d in training mode (as a fresh module is) whose running variance is -1: in
    training mode it normalises with the batch's statistics (finite), in eval mode it would take the square root of a
    negative (NaN). So it is never the answer when the model runs as the caller left it."""
    spec, x = T.draw_case(rng, "top")
    return {"blocks": [["norm", ["bn", x.shape[1]]], ["main", ["seq", spec["blocks"]]]], "shift": spec["shift"]}, x


def large_case(rng):
    """A large batch (3000 x 4, 12000 elements per output) whose only non-finite value is in its last row: a Scale
    keeps everything finite, then a Log of the one negative element, at the very end, makes the first NaN. Every
    element of every output counts, not a prefix or a sample of them."""
    names = T._names(rng, 3)
    x = torch.rand(3000, 4, generator=rng, dtype=torch.float64) + 0.5
    x[-1, -1] = -1.0
    blocks = [[names[0], ["scale", 2.0]], [names[1], ["log"]], [names[2], ["tanh"]]]
    return {"blocks": blocks, "shift": None}, x


def test_first_nonfinite(learner, device, rng):
    """Random models (drawn per run, in a random order): the first culprit inside a nested block (the container and
    later modules are non-finite too), a top-level one, one whose first non-finite output is an inf (a NaN comes
    later or never), one whose first is a -inf (log of an exact zero), and an all-finite one (None); a module called
    twice whose first forward finishes finite (a later module makes the NaN, its second forward is non-finite), a
    module called twice whose second forward is the first to finish non-finite, a
    module with finite outputs of about 1e308 (their sum is inf), a BatchNorm1d in training mode that would give
    inf in eval mode, and a large batch whose only NaN is in its last element; no hooks left."""
    check_models(learner, device, rng, ["nested", "top", "inf_only", "neg_inf", "finite"],
                 "first_nonfinite_module is wrong for random models (the first module, in the order forward passes "
                 "finish, whose output holds a NaN, inf or -inf, the root excluded; None when all are finite; a module "
                 "called twice counts when one of its forward passes finishes non-finite, at that moment; look at each "
                 "element, not at a sum, which can overflow; run the model in the mode the caller left it in)",
                 extra=[reuse_case, reuse_second_case, swell_case, batchnorm_case, large_case])


def test_nested_outputs_and_root(learner, device, rng):
    """Random models (drawn per run, in a random order): one whose first non-finite output is an inf only inside a
    nested tuple (a namedtuple inside a tuple), one whose root alone makes a NaN in its own forward (None: the root is excluded), one whose nested
    container makes the first NaN in its own forward from its children's finite outputs (that container is the
    answer, not a leaf), and one more broken one."""
    check_models(learner, device, rng, ["tuple", "root", "container", "top"],
                 "first_nonfinite_module is wrong for random models: look at every tensor of an output, also inside "
                 "nested tuples (namedtuples too: they are tuples), watch every submodule (a container whose own forward makes the NaN is the answer), "
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
