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
    "different_arguments": "calls that differ only in a keyword argument, a constant, argument order, a keyword name, "
                           "an explicit None keyword argument, or a tuple against a list (they must stay)",
    "constants": "calls that differ only in 1 against 1.0, or a positional against a keyword argument (they must stay)",
    "lists_and_methods": "repeated torch.cat of a list, repeated method calls, repeated x.shape reads, a repeated index "
                         "with slices (x[:, :]) and keyword arguments written in another order (the same call: merge them)",
}


def order_and_names_spec(rng):
    """A program, drawn per run, with calls that differ only in the order of their arguments (a + b and b + a, a * b
    and b * a: operator.add and operator.mul are commutative, but the calls differ in their arguments, so they stay),
    only in a keyword's name (torch.clamp(a, min=c) and torch.clamp(a, max=c): the same values under two names,
    so they stay) or only in a method call's argument after the tensor (a.sum(0, keepdim=True) and a.sum(1,
    keepdim=True): a key on the method and its tensor alone merges them); a and b are always different values, and
    every one of these calls is returned (none is dead)."""
    unary = ["sin", "tanh", "cos_method"]
    ops = [[G._pick(rng, unary), 0], [G._pick(rng, unary), 1]]
    a = G._int(rng, 0, 3)
    b = G._pick(rng, [i for i in range(4) if i != a])
    c = G._pick(rng, [0.5, -0.25, 0.0])
    ops += [["add", a, b], ["add", b, a], ["mul", a, b], ["mul", b, a], ["clamp_min", a, c], ["clamp_max", a, c],
            ["sum_method", b, 0], ["sum_method", b, 1]]
    return {"ops": ops, "out": list(range(4, 12))}


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
    if name == "different_arguments":  # always, whatever the draw: argument order and keyword names
        spec = order_and_names_spec(rng)
        inputs = [tuple(torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) for _ in range(2))
                  for _ in range(2)]
        got = learner.probe("report", spec, inputs)
        what = ("for a function with calls that differ only in the order of their arguments (a + b and b + a), only "
                "in a keyword's name (torch.clamp(a, min=c) and torch.clamp(a, max=c)) or only in a method call's "
                "argument (a.sum(0, keepdim=True) and a.sum(1, keepdim=True)): they must stay")
        G.check_graph(got, G.expected_calls(spec), what)
        fn = P.build(spec)
        G.check_values(got, [fn(*xs) for xs in inputs], what)
    if name == "seed_example":  # always: the module returned first, read after optimize ran on another function
        other = G.draw(rng, "nested")  # two inputs, like spec: the mismatch shows in the graph, not as a TypeError
        got = learner.probe("report_first_of_two", spec, other, inputs)
        what = ("for the module optimize returned first, read after optimize ran again on another function: each call "
                "must return its own GraphModule, which later calls leave alone")
        G.check_graph(got, G.expected_calls(spec), what)
        G.check_values(got, [P.build(spec)(*xs) for xs in inputs], what)
