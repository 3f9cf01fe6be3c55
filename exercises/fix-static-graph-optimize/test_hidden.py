"""Hidden graders for fix-static-graph-optimize: exact call counts after CSE + DCE (no duplicate, no dead call, code
matching the graph), values on random inputs. Graphs are read here, in the judge."""

import pytest
import torch

from grader.judge.checks import load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")

# calls left after CSE and DCE, per probe function (the traced graphs have 4, 8, 5, 13, 9 and 8)
EXPECTED_CALLS = {"seed_example": 3, "nested": 5, "dead": 2, "different_arguments": 13, "constants": 9,
                  "lists_and_methods": 6}
WHY = {
    "seed_example": "a repeated x * y",
    "nested": "duplicates that appear only after earlier duplicates are merged (two levels deep)",
    "dead": "results that are never used, one of them used only by another unused one",
    "different_arguments": "calls that differ only in a keyword argument or a constant (they must stay)",
    "constants": "calls that differ only in 1 against 1.0, or a positional against a keyword argument (they must stay)",
    "lists_and_methods": "repeated torch.cat of a list and repeated .view calls",
}


@pytest.mark.parametrize("name", list(EXPECTED_CALLS))
def test_optimized_graph(learner, device, rng, name):
    """One probe function: values unchanged, and exactly the right calls remain."""
    inputs = [tuple(torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) for _ in range(2))
              for _ in range(2)]
    got = learner.probe("report", name, inputs)
    what = f"for a function with {WHY[name]}"
    G.check_graph(got, EXPECTED_CALLS[name], what)
    G.check_values(got, P.values(name, inputs), what)
