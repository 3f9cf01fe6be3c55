"""Hidden graders for fix-static-graph-optimize: each grader draws a random program per run with one kind of case
(repeated calls, duplicates that appear only after merges, dead chains, calls that differ only in an argument,
1 against 1.0 and positional against keyword arguments, lists and methods) among random other calls. The number of
calls that must remain is found here, in the judge, on its own copy of the function; values on random inputs."""

import pytest
import torch

from grader.judge.checks import load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")

WHY = {
    "seed_example": "a repeated call",
    "nested": "duplicates that appear only after earlier duplicates are merged (two or three levels deep, also through "
              "a list argument such as torch.cat([a, w]))",
    "dead": "results that are never used, one of them used only by another unused one, and an input fn ignores "
            "(the module must still take it)",
    "different_arguments": "calls that differ only in a keyword argument, a constant, "
                           "an explicit None keyword argument, or a tuple against a list (they must stay)",
    "constants": "calls that differ only in 1 against 1.0, or a positional against a keyword argument (they must stay)",
    "lists_and_methods": "repeated torch.cat of a list, repeated method calls, repeated x.shape reads, a repeated index "
                         "with slices (x[:, :]) and keyword arguments written in another order (the same call: merge them)",
}


@pytest.mark.parametrize("name", list(WHY))
def test_optimized_graph(learner, device, rng, name):
    """One random program of this kind: values unchanged, and exactly the right calls remain."""
    spec = G.draw(rng, name)
    inputs = [tuple(torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) for _ in range(G.n_inputs(spec)))
              for _ in range(2)]
    got = learner.probe("report", spec, inputs)
    what = f"for a function with {WHY[name]}"
    G.check_graph(got, G.expected_calls(spec), what)
    fn = P.build(spec)
    G.check_values(got, [fn(*xs) for xs in inputs], what)
