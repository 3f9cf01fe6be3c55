"""Hidden graders for anomaly-nan-source: every find_nan_backward case is a random computation drawn per run (random
operations, shapes, values, and a random node where the first NaN appears, or none), sent to the worker as a spec;
the expected answer is found in the judge by running anomaly mode on the same computation built from the trusted
probes.py. Each grader mixes kinds in a random order, so no fixed answer (a name, None, an error) passes it. Row norms
in two dtypes and layouts, zero and small rows."""

import re

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.drawn import OPS, pick, randint
from grader.judge.kit import layouts

T = load_sibling(__file__, "test_public.py")
P = load_sibling(__file__)

KINDS = {
    # kind: what it is, for messages
    "nan": "a computation whose backward makes a NaN at some node",
    "nan_later_output": "a computation whose NaN is reported in a node's second (or later) output (\"... returned "
                        "nan values in its 1th output\"): read the node's name whatever the output's index",
    "nan_masked": "a computation whose NaN gradient is masked before it reaches the inputs (their .grad stays "
                  "finite): only anomaly mode sees it, so never decide from the inputs' gradients",
    "nan_after_inf": "a computation where a node's gradient is inf and the NaN first appears at a later node (inf * 0)",
    "inf_only": "a computation with infinite but not NaN gradients (the answer is None)",
    "forward_only": "a NaN made in the forward pass whose gradient is finite (the answer is None)",
    "forward_leak": "a NaN made in the forward pass that a later node's backward turns into a NaN gradient",
    "clean": "a computation whose backward is finite (the answer is None)",
    "raises_value": "fn raising ValueError for its inputs (it must propagate)",
    "raises_runtime": "a backward node that raises RuntimeError (not anomaly mode's NaN report: it must propagate)",
    "fn_runtime": "fn itself raising RuntimeError in its forward pass (a shape mismatch): it must propagate, not be "
                  "taken for a clean backward",
}

BATCHES = {
    # grader id: kinds drawn
    "nan_at_random_node": ["nan", "nan_later_output", "nan_masked", "clean"],
    "nan_after_inf": ["nan_after_inf", "nan_after_inf", "inf_only"],
    "nan_in_forward_only": ["forward_only", "forward_only", "forward_leak"],
    "inf_gradient": ["inf_only", "inf_only", "nan"],
    "clean": ["clean", "clean", "nan"],
}


def random_shape(rng):
    return (randint(rng, 2, 5),) if randint(rng, 0, 1) else (randint(rng, 2, 4), randint(rng, 2, 4))


def masked_nan_case(rng):
    """A NaN made in backward that never reaches the inputs: x is masked (clamp(min=0), or torch.where with a
    detached other branch), so its negative entries give 0; a node whose backward is 0 * inf at 0 (sqrt, x ** 0.5,
    x ** -1, log) follows, and its incoming gradient is 0 there (scaled by 0, or times a detached c that is 0 exactly
    where x < 0). The NaN is reported, yet every input's .grad is finite (checked here). Values and which operations
    are random; x always has a negative entry and no zero."""
    shape = random_shape(rng)
    x = torch.rand(shape, generator=rng, dtype=torch.float64) * 1.5 + 0.5
    neg = torch.rand(shape, generator=rng) < 0.3
    neg.view(-1)[randint(rng, 0, x.numel() - 1)] = True
    x = torch.where(neg, -x, x)
    inputs, ops = [x], []

    def op(*o):
        ops.append(list(o))
        return len(inputs) + len(ops) - 1

    if randint(rng, 0, 1):
        masked = op("relu", 0)
    else:
        masked = op("where", 0, 0, op("detach", op("scale", 0, 0.0)))
    nan_op = pick(rng, [["sqrt"], ["pow", 0.5], ["pow", -1.0], ["log"]])
    v = op(nan_op[0], masked, *nan_op[1:])
    if randint(rng, 0, 1):
        v = op("scale", v, 0.0)
    else:
        c = torch.where(neg, torch.zeros_like(x), torch.rand(shape, generator=rng, dtype=torch.float64) + 0.5)
        inputs.append(c)
        ops = [[o[0]] + [i + 1 if isinstance(i, int) and i >= 1 and j < OPS[o[0]] else i
                         for j, i in enumerate(o[1:])] for o in ops]
        v = op("mul", v + 1, op("detach", 1))
    other = op(pick(rng, ["tanh", "sin", "exp"]), 0)
    op("add", v, other) if randint(rng, 0, 1) else op("add", other, v)
    spec = {"inputs": inputs, "ops": ops, "reduce": True}
    fn = P.build(spec)
    leaves = P.inputs_of(spec)
    fn(*leaves).backward()
    assert T.reference(spec)[0] == "nan" and all(bool(t.grad.isfinite().all()) for t in leaves
                                                 if t.grad is not None), "prep's masked case"  # grader's bug
    return spec


def fn_runtime_case(rng):
    """A drawn computation that ends by adding an input whose first dimension is longer than the other inputs' (it
    does not broadcast with them): fn raises RuntimeError."""
    spec, _ = T.draw_case(rng, pick(rng, ["nan", "clean"]))
    n, shape = len(spec["inputs"]), spec["inputs"][0].shape
    bad = torch.rand((shape[0] + randint(rng, 1, 3),) + tuple(shape[1:]), generator=rng, dtype=torch.float64) + 0.5
    ops = [[o[0]] + [i + 1 if j < OPS[o[0]] and i >= n else i for j, i in enumerate(o[1:])] for o in spec["ops"]]
    ops.append(["add", 0, n])  # x0 + bad: shapes that do not broadcast (the result may be 0-d, which would)
    spec = {"inputs": spec["inputs"] + [bad], "ops": ops, "reduce": True}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's fn_runtime case no longer raises"  # grader's bug
    return spec


def draw_batch(rng, kinds):
    cases, answers = [], []
    for kind in kinds:
        if kind == "nan_masked":
            spec = masked_nan_case(rng)
        elif kind == "fn_runtime":
            spec = fn_runtime_case(rng)
        else:
            avoid = answers if kind.startswith("nan") else ()  # the NaN cases name different nodes
            spec, outcome = T.draw_case(rng, kind, avoid=avoid)
            answers.append(outcome)
        cases.append((spec, KINDS[kind]))
    order = torch.randperm(len(cases), generator=rng).tolist()
    return [cases[i] for i in order]


def received(got):
    if got["raised"]:
        return f"it raised {got['raised']}"
    if got["got"] is None:
        return "it returned None"
    return "it returned another name" if isinstance(got["got"], str) else f"it returned a {type(got['got']).__name__}"


def check_batch(learner, device, cases):
    for spec, what in cases:
        want = T.reference(spec, str(device))
        got = learner.probe("find", spec, str(device))
        if not T.matches(got, want):
            if want[0] == "raises":
                raise CheckFailure(f"find_nan_backward must let an error that is not anomaly mode's NaN report "
                                   f"propagate, with its own type, for {what}; {received(got)}")
            if want[0] == "nan":
                raise CheckFailure(f"find_nan_backward must return the class name of the node anomaly mode reports "
                                   f"for {what}; {received(got)}")
            raise CheckFailure(f"find_nan_backward must return None for {what}; {received(got)}")
        if got["anomaly_on"]:
            raise CheckFailure(f"anomaly detection is still switched on after find_nan_backward "
                               f"{'raised' if got['raised'] else 'returned'} ({what}): use the context manager, "
                               "which restores the mode whatever happens")


@pytest.mark.parametrize("name", list(BATCHES))
def test_find(learner, device, rng, name):
    """find_nan_backward on random computations of one kind mixed with another, and anomaly mode is off afterwards.
    nan_at_random_node also holds a NaN reported in a node's later output, and a NaN masked before the inputs (their
    .grad finite), constructed so on every draw."""
    check_batch(learner, device, draw_batch(rng, BATCHES[name]))
    if name == "nan_at_random_node":
        check_same_fn(learner, device, rng)


def check_same_fn(learner, device, rng):
    """One fn object called twice, on inputs whose backward makes a NaN and on inputs whose backward is clean, in
    both orders: each answer is its own call's (an answer remembered by id(fn), or by the ops, passed every grader
    that builds a new fn per call)."""
    for _ in range(500):  # redrawn until the same ops on other inputs run clean: the verdict never depends on the seed
        spec, _ = T.draw_case(rng, "nan")  # some NaNs come from the ops alone (log(0 * x)): then another spec
        others = [torch.rand(x.shape, generator=rng, dtype=torch.float64) * 1.5 + 0.5 for x in spec["inputs"]]
        if T.reference({**spec, "inputs": others}, str(device)) == ("none", None):
            break
    else:
        raise AssertionError("prep could not draw clean inputs for a NaN case")  # the grader's bug, never the learner's
    for first, second in ((spec["inputs"], others), (others, spec["inputs"])):
        got = learner.probe("find_same_fn", {**spec, "inputs": first}, second, str(device))
        if not isinstance(got, list) or len(got) != 2:
            raise CheckFailure("find_nan_backward could not be called twice on one fn")
        for k, (inputs, g) in enumerate(zip((first, second), got)):
            want = T.reference({**spec, "inputs": inputs}, str(device))
            if not T.matches(g, want):
                raise CheckFailure(f"find_nan_backward called twice with the same fn, on inputs whose backward "
                                   f"{'makes a NaN' if want[0] == 'nan' else 'runs clean'} in call {k + 1}: "
                                   f"{received(g)}. Each call runs its own fn(*inputs) and backward: remember "
                                   "nothing between calls (an answer kept by id(fn) or by the function is stale "
                                   "once the inputs change)")


def test_other_errors_propagate(learner, device, rng):
    """A ValueError raised by fn (for some inputs), a RuntimeError raised by fn itself (a shape mismatch in the
    forward pass) and a RuntimeError raised by a backward node that is not anomaly mode's NaN report propagate, and so
    do backward's own RuntimeErrors (a loss without a graph, a node returning a gradient of the wrong shape, whose
    message also starts with "Function"), and a custom backward's RuntimeError worded "Function 'RefuseBackward'
    returned an invalid gradient: ..." (only "... returned nan values" is the report); anomaly detection is off
    afterwards all the same; a NaN and a clean case alongside."""
    check_batch(learner, device, draw_batch(rng, ["raises_value", "fn_runtime", "raises_runtime", "nan", "clean"]))
    spec, _ = T.draw_case(rng, "nan")  # then detached at the end: the loss has no graph, backward raises
    spec = {**spec, "ops": spec["ops"] + [["detach", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's detached case no longer raises"  # grader's bug
    check_batch(learner, device, [(spec, "a loss that does not require grad (every path detached): backward's "
                                         "RuntimeError must propagate, not be skipped")])
    for _ in range(50):  # then through a node whose backward returns a wrongly shaped gradient; redrawn here until
        # autograd refuses that gradient (on some draws, e.g. seed 1347067867, it reaches the NaN node first)
        spec, _ = T.draw_case(rng, "nan")
        spec = {**spec, "ops": spec["ops"] + [["misshape", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
        if T.reference(spec) == ("raises", "RuntimeError"):
            break
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's misshape case no longer raises"  # grader's bug
    check_batch(learner, device, [(spec, "a backward node that returns a gradient of the wrong shape: autograd's "
                                         "RuntimeError (\"Function ... returned an invalid gradient\") is not anomaly "
                                         "mode's NaN report and must propagate")])
    # then a backward RuntimeError worded like the report ("Function 'RefuseBackward' returned an invalid gradient:
    # ..."), on a random clean computation: only "... returned nan values" is anomaly mode's NaN report
    spec, _ = T.draw_case(rng, "clean")
    want, _ = extended_reference(spec, "lookalike", str(device))
    got = learner.probe("find_extended", spec, "lookalike", str(device))
    if not T.matches(got, want):
        raise CheckFailure("find_nan_backward must let a backward RuntimeError that is not anomaly mode's NaN report "
                           "propagate, also when its message reads \"Function 'RefuseBackward' returned an invalid "
                           f"gradient: ...\"; {received(got)}",
                           "anomaly mode's report is \"Function '<Name>' returned nan values in its <k>th output\": "
                           "match the whole phrase, not only \"Function '<Name>'\"")
    if got["anomaly_on"]:
        raise CheckFailure("anomaly detection is still switched on after find_nan_backward raised (a backward "
                           "RuntimeError that is not a NaN report)")


def extended_reference(spec, variant, device):
    """What find_nan_backward must give for the extended function (probes.extended), found here by anomaly mode, and
    the gradients one plain backward pass leaves in the inputs' and w's .grad (None when a NaN is reported)."""
    fn, xs, w = P.extended(spec, variant, device)
    try:
        with torch.autograd.detect_anomaly():
            fn(*xs).backward()
    except RuntimeError as e:
        match = re.search(r"Function '(\w+)' returned nan values", str(e))
        if variant == "lookalike":
            assert match is None, "prep's lookalike case reads as a NaN report"  # grader's bug
            return ("raises", type(e).__name__), None
        assert match is not None, "prep's extended case raised another error"  # grader's bug
        return ("nan", match.group(1)), None
    return ("none", None), [t.grad for t in xs + [w]]


def test_find_beyond_inputs(learner, device, rng):
    """find_nan_backward calls fn once and back-propagates the whole loss with .backward(): a NaN made by a custom
    autograd.Function's backward (its node is named "<Class>Backward", with no digit) is reported by that name; a NaN
    in a term on a leaf that fn captures (not one of its inputs) is found too (a backward limited to the inputs, such
    as torch.autograd.grad(loss, inputs), never runs that part); and on a clean computation the inputs' and that
    leaf's .grad afterwards hold exactly one backward pass's gradients (fn called once, its loss back-propagated once,
    with backward()); and fn is called once: a function whose later calls differ from its first (NaN in the first call's
    backward only) has its first call's node reported. The base computations are random clean ones, drawn per run."""
    for variant, what in (("custom", "a loss through a custom autograd.Function whose backward returns NaN"),
                          ("hidden", "a NaN in the gradient of a leaf that fn captures (not one of its inputs)"),
                          ("hidden_clean", "a clean loss that also uses a leaf fn captures"),
                          ("once", "a function whose first call's loss goes through a custom Function whose backward "
                                   "returns NaN, and whose later calls are clean (call fn once, and back-propagate "
                                   "the loss of that call)")):
        spec, _ = T.draw_case(rng, "clean")
        want, grads = extended_reference(spec, variant, str(device))
        got = learner.probe("find_extended", spec, variant, str(device))
        if not T.matches(got, want):
            if want[0] == "nan":
                raise CheckFailure(f"find_nan_backward must return the class name of the node anomaly mode reports "
                                   f"for {what}; {received(got)}")
            raise CheckFailure(f"find_nan_backward must return None for {what}; {received(got)}")
        if got["anomaly_on"]:
            raise CheckFailure(f"anomaly detection is still switched on after find_nan_backward ({what})")
        if grads is not None:
            left = got.get("grads")
            if not isinstance(left, list) or len(left) != len(grads):
                raise CheckFailure(f"the grader could not read the .grad of fn's leaves after find_nan_backward ({what})")
            for g, w in zip(left, grads):
                if g is None or w is None:
                    if (g is None) != (w is None):
                        raise CheckFailure("after find_nan_backward on a clean loss, every leaf of fn's graph must hold "
                                           "its gradient in .grad: back-propagate with loss.backward(), not "
                                           "torch.autograd.grad")
                    continue
                expect_close(g, w, rtol=1e-10, atol=1e-12,
                             what="the .grad of fn's leaves after find_nan_backward on a clean loss (call fn once and "
                                  "back-propagate once: a second call accumulates a second gradient)")


def norm_case(rng, dtype):
    """Random rows with two zero rows, a row with one non-zero entry, and a row of small norm (~1e-4)."""
    x = torch.randn(7, 4, generator=rng, dtype=torch.float64)
    x[1] = 0.0
    x[4] = 0.0
    x[2] = 0.0
    x[2, 3] = -2.5
    x[5] *= 1e-4
    return x.to(dtype)


def test_row_norms(learner, device, rng):
    """row_norms: values and gradients (for a random incoming gradient) equal the true norm's (exactly 0 for a zero
    row), zero rows get a zero gradient, in float64 and float32, for contiguous and non-contiguous inputs and a square one; rows with no entries ((N, 0): norms
    0) and no rows ((0, M)) are 2-D tensors too."""
    for dtype, (rtol, atol) in ((torch.float64, (1e-12, 1e-12)), (torch.float32, (1e-5, 1e-6))):
        base = norm_case(rng, dtype)
        g = torch.randn(base.shape[0], generator=rng, dtype=torch.float64).to(device, dtype)
        for layout, x in layouts(base.to(device)).items():
            got = learner.probe("norm_grad", x, g)
            x64 = x.double()
            norm = x64.norm(dim=1)
            grad = torch.where(norm[:, None] > 0, x64 / norm.clamp_min(1e-300)[:, None], torch.zeros_like(x64))
            expect_close(got["out"], norm.to(dtype), what=f"row_norms(x) ({dtype}, {layout} input)", rtol=rtol,
                         atol=atol)
            if bool((got["out"][norm == 0] != 0).any()):
                raise CheckFailure(f"row_norms(x) of an all-zero row must be exactly 0 ({dtype}, {layout} input): it "
                                   "is the L2 norm, with no eps added to the sum of squares or clamping it")
            expect_close(got["grad"], (g.double()[:, None] * grad).to(dtype), rtol=rtol, atol=atol,
                         what=f"the gradient of row_norms(x) ({dtype}, {layout} input, zero and small rows)")
        # a square x (4, 4), with a zero row and a row with one non-zero entry: rows and columns have the same count,
        # so a norm over dim 0 (or of x.T) keeps the shape and only the values tell it from the row norms
        sq = torch.randn(4, 4, generator=rng, dtype=torch.float64)
        sq[1] = 0.0
        sq[3] = 0.0
        sq[3, 0] = 3.0
        sq = sq.to(device, dtype)
        g = torch.randn(4, generator=rng, dtype=torch.float64).to(device, dtype)
        got = learner.probe("norm_grad", sq, g)
        x64 = sq.double()
        norm = x64.norm(dim=1)
        grad = torch.where(norm[:, None] > 0, x64 / norm.clamp_min(1e-300)[:, None], torch.zeros_like(x64))
        expect_close(got["out"], norm.to(dtype), what=f"row_norms(x) ({dtype}, a square (4, 4) x: one norm per row)",
                     rtol=rtol, atol=atol)
        expect_close(got["grad"], (g.double()[:, None] * grad).to(dtype), rtol=rtol, atol=atol,
                     what=f"the gradient of row_norms(x) ({dtype}, a square (4, 4) x)")
        # small norms: a row of norm ~1e-11 (float32) / ~1e-60 (float64), far inside the range where squares,
        # rsqrt and sq ** -1.5 stay finite, gets x / norm (a threshold on the squared norm would zero it); one row
        # alone keeps the shape (1,)
        tiny = 1e-11 if dtype == torch.float32 else 1e-60
        for x in (torch.stack([base[0], base[3] * tiny, base[1]]), base[6:7] * tiny, base[3:4]):
            x = x.to(device)
            g = torch.randn(x.shape[0], generator=rng, dtype=torch.float64).to(device, dtype)
            got = learner.probe("norm_grad", x, g)
            x64 = x.double()
            norm = x64.norm(dim=1)
            grad = torch.where(norm[:, None] > 0, x64 / norm.clamp_min(1e-300)[:, None], torch.zeros_like(x64))
            expect_close(got["out"], norm.to(dtype), what=f"row_norms(x) ({dtype}, rows of small norm, or one row)",
                         rtol=rtol, atol=0.0)
            expect_close(got["grad"], (g.double()[:, None] * grad).to(dtype), rtol=rtol, atol=atol,
                         what=f"the gradient of row_norms(x) ({dtype}, rows of small norm, or one row)")
        # entries so small that their squares underflow to 0: the norm may come out 0 (or exact), but the gradient
        # must stay finite (a mask on the entries, with sqrt of the underflowed sum, gives inf * 0 = nan)
        x = torch.stack([base[0], base[3] * (1e-25 if dtype == torch.float32 else 1e-170), base[1]]).to(device)
        got = learner.probe("norm_grad", x, torch.ones(3, dtype=dtype, device=device))
        for key, what in (("out", "row_norms(x)"), ("grad", "the gradient of row_norms(x)")):
            value = got[key]
            if not isinstance(value, torch.Tensor) or not bool(torch.isfinite(value).all()):
                raise CheckFailure(f"{what} must stay finite for a row whose squared entries underflow to 0 "
                                   f"({dtype})")
        for shape in ((1, 0), (randint(rng, 2, 5), 0), (0, randint(rng, 1, 5))):
            x = torch.zeros(shape, dtype=dtype, device=device)
            g = torch.randn(shape[0], generator=rng, dtype=torch.float64).to(device, dtype)
            got = learner.probe("norm_grad", x, g)
            expect_close(got["out"], torch.zeros(shape[0], dtype=dtype, device=device),
                         what=f"row_norms(x) for an empty {'(N, 0)' if shape[0] else '(0, M)'} x ({dtype}): one norm "
                              "per row, 0 for a row with no entries")
            expect_close(got["grad"], torch.zeros(shape, dtype=dtype, device=device),
                         what=f"the gradient of row_norms(x) for an empty {'(N, 0)' if shape[0] else '(0, M)'} x "
                              f"({dtype})")
