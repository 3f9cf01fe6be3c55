"""Public graders for compile-graph-breaks."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_count_example(learner, device):
    """count_graph_breaks gives 1 for a function with a print() in the middle, 0 for one without."""
    x = torch.ones(3, device=device)
    for name in ("print_break", "no_break"):
        got = learner.probe("count", name, x)
        if got != P.BREAKS[name]:
            raise CheckFailure(f"count_graph_breaks({name}, ones(3)) is not right",
                               f"expected {P.BREAKS[name]}, received {got!r}; the function:\n" +
                               ("y = x * 2; print(...); return y + 1" if name == "print_break"
                                else "return (x.sin() * 2).sum()"))


def test_friendly_example(learner, device):
    """compile_friendly(x) equals debug_step(x) for x = ones(3) and x = -ones(3)."""
    for x in (torch.ones(3, device=device), -torch.ones(3, device=device)):
        expect_close(learner.call("compile_friendly", x), P_debug(x), what="compile_friendly(x)",
                     inputs=f"x = {x.tolist()}")


def P_debug(x):
    y = x * 2 + 1
    y = y.sin() if y.sum() > 0 else y.cos()
    return y * y.abs().max()
