"""Hidden graders for compile-graph-breaks: counts from a clean cache, a full graph, values on both branches."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def debug_values(x):
    y = x * 2 + 1
    y = y.sin() if y.sum() > 0 else y.cos()
    return y * y.abs().max()


def test_counts_every_function(learner, device, rng):
    """count_graph_breaks matches torch.compile's graph breaks for functions with 0, 1 and 2 breaks."""
    n = int(torch.randint(2, 6, (1,), generator=rng))
    x = torch.randn(n, generator=rng).to(device)
    for name, breaks in P.BREAKS.items():
        if learner.probe("count", name, x) != breaks:
            raise CheckFailure(f"count_graph_breaks is wrong for a function like {name.replace('_', ' ')}")


def test_friendly_is_one_graph(learner, device, rng):
    """compile_friendly compiles to exactly one graph with no graph break."""
    x = torch.randn(4, generator=rng).to(device)
    report = learner.probe("friendly_explain", x)
    if report["breaks"] != 0 or report["graphs"] != 1:
        raise CheckFailure("compile_friendly still has graph breaks: torch.compile makes "
                           f"{report['graphs']} graph(s) and {report['breaks']} break(s)",
                           "; ".join(report["reasons"]))


def test_friendly_values_fullgraph(learner, device, rng):
    """Under torch.compile(fullgraph=True), compile_friendly equals debug_step on both branches."""
    for shape in ((2, 3),):
        pos = (torch.rand(shape, generator=rng) + 0.1).to(device)
        neg = (-torch.rand(shape, generator=rng) - 1.0).to(device)
        mixed = torch.randn(shape, generator=rng).to(device)
        inputs = [pos, neg, mixed, -mixed]
        report = learner.probe("friendly_fullgraph", inputs)
        if report["fullgraph_error"]:
            raise CheckFailure("torch.compile(compile_friendly, fullgraph=True) fails", report["fullgraph_error"])
        for i, (out, x) in enumerate(zip(report["outputs"], inputs)):
            expect_close(out, debug_values(x), what=f"compiled compile_friendly on input {i} of shape {shape}")


def test_friendly_eager_values(learner, device, rng):
    """compile_friendly equals debug_step eagerly too, in float64 and for an input where y sums to exactly 0 (cos branch)."""
    x = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("compile_friendly", x), debug_values(x), what="compile_friendly(x) in float64")
    edge = torch.tensor([-1.0, 0.0], device=device)  # y = x * 2 + 1 sums to exactly 0: the cos branch
    expect_close(learner.call("compile_friendly", edge), debug_values(edge), what="compile_friendly when y sums to 0")
