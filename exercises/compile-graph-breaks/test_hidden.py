"""Hidden graders for compile-graph-breaks: counts from a clean cache for functions with 0, 1 and 2 breaks (and two
arguments, and a break with nothing to compute after or before it), against torch._dynamo.explain run here, in the
judge; compile_friendly under torch.compile(fullgraph=True) and eagerly, on both branches, the tie, a sum that is NaN
for finite x, several dtypes and shapes."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

WHAT = {
    "no_break": "a function without a break",
    "print_break": "a function with a print() in the middle",
    "branch_break": "a function with an if on a tensor's value",
    "item_and_print": "a function with an .item() and a print()",
    "two_args": "a function of two tensors with a print()",
    "two_prints": "a function with two print() calls",
    "explicit_break": "a function calling torch._dynamo.graph_break()",
    "print_at_end": "a function with a print() followed by nothing to compute (explain counts graph_count - 1)",
    "print_first": "a function with a print() before anything is computed (explain counts graph_count - 1)",
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


def test_counts_every_function(learner, device, rng):
    """count_graph_breaks matches torch._dynamo.explain's graph_break_count (run here, in the judge) for functions with
    0, 1 and 2 breaks, one or two args, and a print() with nothing to compute after it or before it (Dynamo records a
    break reason there, but explain counts graph_count - 1)."""
    n = int(torch.randint(2, 6, (1,), generator=rng))
    x = torch.randn(n, generator=rng).to(device)
    for name in P.FUNCTIONS:
        got = learner.probe("count", name, x)
        if type(got) is not int:
            raise CheckFailure("count_graph_breaks must return a Python int")
        if got != P.explained(name, x):
            raise CheckFailure(f"count_graph_breaks is wrong for {WHAT[name]}: return what torch._dynamo.explain "
                               "counts as graph_break_count")


def test_friendly_values_fullgraph(learner, device, rng):
    """torch.compile(compile_friendly) with default settings makes one graph and no break (a break raises under
    torch._dynamo.error_on_graph_break(True)), and equals debug_step on both branches, the tie, in float32 and float64,
    for 1-D, 2-D and 0-d inputs, and for a finite float32 x whose y.sum() is NaN (debug_step: NaN > 0 is False)."""
    cases = [(signed_inputs(rng, device, (2, 3)), "shape (2, 3)"),
             (signed_inputs(rng, device, (5,), torch.float64), "shape (5,), float64"),
             ([torch.tensor([-1.0, 0.0], device=device), torch.tensor([-0.25, -0.5], device=device)],
              "x = [-1, 0], where y sums to exactly 0, and x = [-0.25, -0.5], where y sums to 0.5"),
             ([torch.tensor(0.7, device=device), torch.tensor(-2.0, device=device)], "0-d inputs"),
             ([nan_sum_input(device)], "a finite float32 x whose y = x * 2 + 1 sums to NaN: NaN > 0 is False")]
    for inputs, what in cases:
        report = learner.probe("friendly_fullgraph", inputs)
        if report["fullgraph_error"]:
            raise CheckFailure("torch.compile(compile_friendly) breaks the graph (it raised under "
                               "torch._dynamo.error_on_graph_break(True))", report["fullgraph_error"])
        if len(report["outputs"]) != len(inputs):
            raise CheckFailure("the compiled compile_friendly did not return one output per call")
        for i, (out, x) in enumerate(zip(report["outputs"], inputs)):
            expect_close(out, P.debug_values(x), what=f"compiled compile_friendly on input {i} ({what})")


def test_friendly_eager_values(learner, device, rng):
    """compile_friendly equals debug_step eagerly too: float64, float16, a 3-D input, y summing to exactly 0 and to 0.5,
    and a finite float32 x whose y sums to NaN (NaN > 0 is False: debug_step takes the cos branch)."""
    x = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("compile_friendly", x), P.debug_values(x), what="compile_friendly(x) in float64")
    h = torch.randn(2, 2, 3, generator=rng).to(device=device, dtype=torch.float16)
    expect_close(learner.call("compile_friendly", h), P.debug_values(h), what="compile_friendly(x) in float16, 3-D")
    edge = torch.tensor([-1.0, 0.0], device=device)  # y = x * 2 + 1 sums to exactly 0: the cos branch
    expect_close(learner.call("compile_friendly", edge), P.debug_values(edge), what="compile_friendly when y sums to 0")
    small = torch.tensor([-0.25, -0.5], device=device)  # y sums to 0.5: positive, so the sin branch
    expect_close(learner.call("compile_friendly", small), P.debug_values(small),
                 what="compile_friendly when y sums to a value between 0 and 1")
    nan_sum = nan_sum_input(device)
    expect_close(learner.call("compile_friendly", nan_sum), P.debug_values(nan_sum),
                 what="compile_friendly for a finite x whose y sums to NaN (NaN > 0 is False: debug_step's else branch)")
