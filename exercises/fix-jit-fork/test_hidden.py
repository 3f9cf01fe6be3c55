"""Hidden graders for fix-jit-fork: values on random and broadcast inputs, the forked sum, fork_all's results for
several lists of functions and its traced forks and waits. Graphs are read here, in the judge."""

import torch

from grader.judge.checks import load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")


def test_script_values(learner, device, rng):
    """my_function returns the tuple (x + y, x * y) for random inputs of several shapes, broadcasting included."""
    for xs, ys in (((3,), (3,)), ((2, 4), (2, 4)), ((3, 1), (4,))):
        x = torch.randn(xs, generator=rng).to(device)
        y = torch.randn(ys, generator=rng).to(device)
        got = learner.probe("script_facts", x, y)
        G.script_structure(got, f"shapes {xs} and {ys}")
        G.expect_pair(got["out"], x, y, f"for shapes {xs} and {ys}")


def test_script_forks_the_sum(learner, device, rng):
    """In my_function's graph, the first output (x + y) is the value waited for from the forked task."""
    x, y = torch.randn(4, generator=rng).to(device), torch.randn(4, generator=rng).to(device)
    G.script_structure(learner.probe("script_facts", x, y), "random inputs")


def test_fork_all(learner, device, rng):
    """fork_all returns a list of the waited results in the order of fns, for one function, four, and five with
    results of different shapes."""
    for which in ("one", "four", "shapes"):
        x = torch.randn(6, generator=rng).to(device)
        G.expect_results(learner.probe("fork_all_eager", which, x), P.reference_fork_all(which, x),
                         f"for {len(P.FNS[which])} function(s)")


def test_fork_all_forks_each(learner, device, rng):
    """Traced, fork_all records one prim::fork per function, all before the first aten::wait, and the trace gives the
    same results."""
    for which in ("one", "shapes"):
        x = torch.randn(6, generator=rng).to(device)
        traced = learner.probe("fork_all_traced", which, x)
        G.fork_structure(traced, len(P.FNS[which]), f"for {len(P.FNS[which])} function(s)")
        G.expect_results(traced["out"], P.reference_fork_all(which, x), f"traced, for {len(P.FNS[which])} function(s)")
