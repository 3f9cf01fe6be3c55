"""Hidden graders for compile-graph-breaks: counts from a clean cache for functions with 0, 1 and 2 breaks (and two
and three arguments, and a break with nothing to compute after or before it), against torch._dynamo.explain run here, in the
judge; compile_friendly under torch.compile(fullgraph=True) and eagerly, on both branches, the tie, a sum that is NaN
for finite x, a float32 sum that rounds to 0, a tiny float64 sum, inf and NaN in x, non-contiguous x, several dtypes
and shapes, and the caller's x left unchanged."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling
from grader.judge.kit import TOLERANCES, layouts

P = load_sibling(__file__)

WHAT = {
    "no_break": "a function without a break",
    "print_break": "a function with a print() in the middle",
    "branch_break": "a function with an if on a tensor's value",
    "item_and_print": "a function with an .item() and a print()",
    "two_args": "a function of two tensors with a print()",
    "three_args": "a function of three tensors with a print() (pass every argument on: fn(*args))",
    "two_prints": "a function with two print() calls",
    "explicit_break": "a function calling torch._dynamo.graph_break()",
    "print_at_end": "a function with a print() followed by nothing to compute (explain counts graph_count - 1)",
    "print_first": "a function with a print() before anything is computed (explain counts graph_count - 1)",
    "rank_dependent": "a function whose print() only runs for inputs of 2 or more dimensions, called with a vector",
}


def signed_inputs(rng, device, shape, dtype=torch.float32):
    """Inputs on both branches of debug_step, and x = [-1, 0] (y = x * 2 + 1 sums to exactly 0: the cos branch)."""
    pos = torch.rand(shape, generator=rng) + 0.1
    neg = -torch.rand(shape, generator=rng) - 1.0
    mixed = torch.randn(shape, generator=rng)
    return [t.to(device=device, dtype=dtype) for t in (pos, neg, mixed, -mixed)]


def nan_sum_input(device):
    """A finite float32 x whose y = x * 2 + 1 is finite but whose y.sum() is NaN on torch's vectorised CPU sum (lanes
    overflow to inf and -inf): NaN > 0 is False, so debug_step takes the cos branch (a `<= 0` test would take sin).
    Where a sum does not give NaN, it is a plain case."""
    return torch.tensor([1.5e38, -1.5e38] * 32, device=device)


def rounding_sum_input64(device):
    """A float64 x whose y = x * 2 + 1 sums to a positive value in float64 (about 6.8) while the sum of y rounded to
    float32 is not > 0 (the small values absorbed by +-2e8): debug_step's test, in float64, takes sin; a test on a
    float32 copy of y (its sum or mean) takes cos. Of a few orders of the same values, the first where the two tests
    disagree on this device is used (a plain case where none does)."""
    big, small = 1e8, [0.3, 0.2, 0.4]
    orders = [[*small, big, -big], [big, *small, -big], [big, -big, *small], [*small, big, -big] * 8]
    for values in orders:
        x = torch.tensor(values, dtype=torch.float64, device=device)
        y = x * 2 + 1
        if bool(y.sum() > 0) != bool(y.float().sum() > 0):
            return x
    return torch.tensor(orders[0], dtype=torch.float64, device=device)


def rounding_sum_input(device):
    """A float32 x whose y = x * 2 + 1 has a positive exact sum (about 4.8) that torch's float32 y.sum() loses: the
    small values are absorbed by +-2e8, so debug_step's float32 test is not > 0 (cos) while a sum taken in float64
    is (sin). Of a few orders of the same values, the first where the two tests disagree on this device is used (a
    plain case where none does)."""
    big, small = 1e8, [0.3, 0.2, 0.4]
    orders = [[big, *small, -big], [*small, big, -big], [big, -big, *small], [big, *small, -big] * 8]
    for values in orders:
        x = torch.tensor(values, dtype=torch.float32, device=device)
        y = x * 2 + 1
        if bool(y.sum() > 0) != bool(y.double().sum() > 0):
            return x
    return torch.tensor(orders[0], dtype=torch.float32, device=device)


def tiny_sum_input(rng, device):
    """A float64 x = -0.5 + d with 0 < d < 1e-12: y = x * 2 + 1 = 2d sums to a tiny positive value (debug_step: sin);
    in float32, x rounds to -0.5 and y to 0 (cos)."""
    d = torch.rand(4, generator=rng, dtype=torch.float64) * 9e-13 + 1e-13
    return (-0.5 + d).to(device)


def non_finite_inputs(rng, device):
    """x with an inf, a -inf and a NaN at random places: debug_step gives NaN everywhere (sin/cos of inf is NaN, and
    max propagates NaN)."""
    out = []
    for bad in (float("inf"), float("-inf"), float("nan")):
        x = torch.randn(5, generator=rng)
        x[int(torch.randint(0, 5, (1,), generator=rng))] = bad
        out.append(x.to(device))
    return out


def strided_inputs(rng, device):
    """Values in non-contiguous layouts (a transposed view, a strided slice), sent as views (kit.layouts)."""
    x = torch.randn(3, 4, generator=rng).to(device)
    return [v for k, v in layouts(x).items() if k != "contiguous"]


def expect_debug(out, x, what):
    """out equals debug_step(x) (the judge's): float64 to 1e-10; NaN and inf exactly where debug_step has them."""
    want = P.reference_debug_values(x)
    rtol, atol = TOLERANCES[torch.float64] if want.dtype == torch.float64 else (None, None)
    if bool(torch.isfinite(want).all()):
        expect_close(out, want, what=what, rtol=rtol, atol=atol)
        return
    expect_tensor(out, what=what, shape=want.shape, dtype=want.dtype, device=want.device, finite=False)
    for test in (torch.isnan, torch.isposinf, torch.isneginf):
        if not torch.equal(test(out), test(want)):
            raise CheckFailure(f"{what} has NaN or inf in other places than debug_step(x): with an inf or NaN in x, "
                               "debug_step's sum, sin/cos and max carry it through; do not filter it out")
    finite = torch.isfinite(want)
    expect_close(out[finite], want[finite], what=what, rtol=rtol, atol=atol)


def expect_inputs_unchanged(after, sent, what):
    """The caller's tensors hold the same values after the calls as when they were sent (NaN where it was NaN)."""
    if not isinstance(after, list) or len(after) != len(sent):
        raise CheckFailure("the grader could not read back the inputs after compile_friendly ran")
    for a, x in zip(after, sent):
        same = (isinstance(a, torch.Tensor) and a.shape == x.shape and a.dtype == x.dtype
                and bool(((a == x) | (a.isnan() & x.isnan())).all()))
        if not same:
            raise CheckFailure(f"{what} changed the caller's x (its values after the call differ from what was "
                               "passed): debug_step leaves x alone; compute on new tensors instead of writing into x")


def test_counts_every_function(learner, device, rng):
    """count_graph_breaks matches torch._dynamo.explain's graph_break_count (run here, in the judge) for functions with
    0, 1 and 2 breaks, one, two or three args, and a print() with nothing to compute after it or before it (Dynamo records a
    break reason there, but explain counts graph_count - 1); the same function counted again with other arguments
    (a print that only runs for a matrix) gets the count of that call."""
    n = int(torch.randint(2, 6, (1,), generator=rng))
    x = torch.randn(n, generator=rng).to(device)
    for name in P.FUNCTIONS:
        got = learner.probe("count", name, x)
        if type(got) is not int:
            raise CheckFailure("count_graph_breaks must return a Python int")
        if got != P.reference_explained(name, x):
            raise CheckFailure(f"count_graph_breaks is wrong for {WHAT[name]}: return what torch._dynamo.explain "
                               "counts as graph_break_count")
    # the same function object again, now with a matrix (after the vector above): the count belongs to fn(*args), not
    # to fn alone, so nothing may be remembered from the earlier call
    m = torch.randn(2, n, generator=rng).to(device)
    got = learner.probe("count", "rank_dependent", m)
    if type(got) is not int:
        raise CheckFailure("count_graph_breaks must return a Python int")
    if got != P.reference_explained("rank_dependent", m):
        raise CheckFailure("count_graph_breaks is wrong for a function whose print() only runs for inputs of 2 or more "
                           "dimensions, called with a matrix after it was counted with a vector: count the breaks of "
                           "this call, fn(*args), every time (nothing remembered per function from an earlier call)")


def test_friendly_values_fullgraph(learner, device, rng):
    """torch.compile(compile_friendly) with default settings makes one graph and no break (a break raises under
    torch._dynamo.error_on_graph_break(True)), and equals debug_step on both branches, the tie, in float32 and float64,
    for 1-D, 2-D and 0-d inputs, for a finite float32 x whose y.sum() is NaN (debug_step: NaN > 0 is False), a float32
    x whose float32 sum rounds to 0 while its exact sum is positive (the test is on y.sum() in x's dtype), a float64 x
    whose y sums to a tiny positive value (no float32 on the way), a float64 x whose y sum a float32 copy of y loses,
    x holding inf or NaN (NaN everywhere, as
    debug_step), non-contiguous x; and the caller's x is left unchanged."""
    cases = [(signed_inputs(rng, device, (2, 3)), "shape (2, 3)"),
             (signed_inputs(rng, device, (5,), torch.float64), "shape (5,), float64"),
             ([torch.tensor([-1.0, 0.0], device=device), torch.tensor([-0.25, -0.5], device=device)],
              "x = [-1, 0], where y sums to exactly 0, and x = [-0.25, -0.5], where y sums to 0.5"),
             ([torch.tensor(0.7, device=device), torch.tensor(-2.0, device=device)], "0-d inputs"),
             ([nan_sum_input(device)], "a finite float32 x whose y = x * 2 + 1 sums to NaN: NaN > 0 is False"),
             ([rounding_sum_input(device)], "a float32 x whose y.sum() in float32 is not > 0 though its exact sum is: "
              "take the test on y.sum() in x's own dtype, as debug_step does"),
             ([tiny_sum_input(rng, device)], "a float64 x whose y sums to a tiny positive value: compute in x's dtype "
              "(float64), not in float32"),
             ([rounding_sum_input64(device)], "a float64 x whose y sums to a positive value that a float32 copy of y "
              "loses: take the test on y.sum() in x's own dtype (float64), not on a float32 copy"),
             (non_finite_inputs(rng, device), "x holding an inf, a -inf or a NaN"),
             (strided_inputs(rng, device), "non-contiguous x (a transposed view, a strided slice)")]
    for inputs, what in cases:
        report = learner.probe("friendly_fullgraph", inputs)
        if report["fullgraph_error"]:
            raise CheckFailure(f"torch.compile(compile_friendly) raised ({what}) under "
                               "torch._dynamo.error_on_graph_break(True): it breaks the graph, or your code raises "
                               "for this input", report["fullgraph_error"])
        if len(report["outputs"]) != len(inputs):
            raise CheckFailure("the compiled compile_friendly did not return one output per call")
        for i, (out, x) in enumerate(zip(report["outputs"], inputs)):
            expect_debug(out, x, f"compiled compile_friendly on input {i} ({what})")
        expect_inputs_unchanged(report.get("inputs_after"), inputs, f"the compiled compile_friendly ({what})")


def test_friendly_eager_values(learner, device, rng):
    """compile_friendly equals debug_step eagerly too: float64 (to 1e-10), float16 (random, and an x = 1025 whose
    y = 2051 rounds to 2052 in float16: a float32 computation cast back differs), a 3-D input, y summing to exactly 0
    and to 0.5, and a finite float32 x whose y sums to NaN (NaN > 0 is False: debug_step takes the cos branch); a float32
    x whose float32 sum rounds to 0, a float64 x with a tiny positive sum, x holding inf or NaN, non-contiguous x; and
    the caller's x is left unchanged."""
    x = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
    expect_debug(learner.call("compile_friendly", x), x, "compile_friendly(x) in float64 (compute in x's dtype)")
    h = torch.randn(2, 2, 3, generator=rng).to(device=device, dtype=torch.float16)
    expect_close(learner.call("compile_friendly", h), P.reference_debug_values(h), what="compile_friendly(x) in float16, 3-D")
    # y = 2 * 1025 + 1 = 2051 rounds to 2052 in float16: computed in float32 and cast back, sin(2051) != sin(2052)
    h = torch.tensor([1025.0, -3.0, 7.5], dtype=torch.float16, device=device)
    expect_close(learner.call("compile_friendly", h), P.reference_debug_values(h),
                 what="compile_friendly(x) in float16 where y = x * 2 + 1 rounds in float16 (compute in x's dtype, "
                      "as debug_step does, not in float32)")
    edge = torch.tensor([-1.0, 0.0], device=device)  # y = x * 2 + 1 sums to exactly 0: the cos branch
    expect_close(learner.call("compile_friendly", edge), P.reference_debug_values(edge), what="compile_friendly when y sums to 0")
    small = torch.tensor([-0.25, -0.5], device=device)  # y sums to 0.5: positive, so the sin branch
    expect_close(learner.call("compile_friendly", small), P.reference_debug_values(small),
                 what="compile_friendly when y sums to a value between 0 and 1")
    nan_sum = nan_sum_input(device)
    expect_close(learner.call("compile_friendly", nan_sum), P.reference_debug_values(nan_sum),
                 what="compile_friendly for a finite x whose y sums to NaN (NaN > 0 is False: debug_step's else branch)")
    cases = [([rounding_sum_input(device)], "a float32 x whose y.sum() in float32 is not > 0 though its exact sum is: "
              "take the test on y.sum() in x's own dtype, as debug_step does"),
             ([tiny_sum_input(rng, device)], "a float64 x whose y sums to a tiny positive value: compute in x's dtype "
              "(float64), not in float32"),
             ([rounding_sum_input64(device)], "a float64 x whose y sums to a positive value that a float32 copy of y "
              "loses: take the test on y.sum() in x's own dtype (float64), not on a float32 copy"),
             (non_finite_inputs(rng, device), "x holding an inf, a -inf or a NaN"),
             (strided_inputs(rng, device), "non-contiguous x (a transposed view, a strided slice)"),
             (signed_inputs(rng, device, (3, 2)), "x on both branches")]
    for inputs, what in cases:
        report = learner.probe("friendly_eager", inputs)
        if not isinstance(report, dict) or len(report.get("outputs", ())) != len(inputs):
            raise CheckFailure("compile_friendly did not return one output per call")
        for i, (out, x) in enumerate(zip(report["outputs"], inputs)):
            expect_debug(out, x, f"compile_friendly on input {i} ({what})")
        expect_inputs_unchanged(report.get("inputs_after"), inputs, f"compile_friendly ({what})")
