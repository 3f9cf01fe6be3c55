"""Public graders for compile-graph-breaks. Expected counts and values are the judge's own."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

SOURCES = {"print_break": "y = x * 2; print(...); return y + 1", "no_break": "return (x.sin() * 2).sum()"}


def expect_count(got, name, what, detail=""):
    if type(got) is not int:
        raise CheckFailure(f"count_graph_breaks must return a Python int ({what})", f"received {got!r}; {detail}")
    if got != P.BREAKS[name]:
        raise CheckFailure(f"count_graph_breaks is not right for {what}",
                           f"expected {P.BREAKS[name]}, received {got}; {detail}")


def test_count_example(learner, device):
    """count_graph_breaks gives 1 for a function with a print() in the middle, 0 for one without."""
    x = torch.ones(3, device=device)
    for name in ("print_break", "no_break"):
        expect_count(learner.probe("count", name, x), name, f"{name}(ones(3))", f"the function: {SOURCES[name]}")


def test_friendly_example(learner, device):
    """compile_friendly(x) equals debug_step(x) for x = ones(3) and x = -ones(3)."""
    for x in (torch.ones(3, device=device), -torch.ones(3, device=device)):
        expect_close(learner.call("compile_friendly", x), P.reference_debug_values(x), what="compile_friendly(x)",
                     inputs=f"x = {x.tolist()}")
