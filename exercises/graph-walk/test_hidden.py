"""Hidden graders for graph-walk: many graph shapes, random values per run, a graph whose size follows the data. The
judge builds every graph itself and checks the learner's answers, described as plain data, against it."""

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)
public = load_sibling(__file__, "test_public.py")


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def cases(rng, device):
    """(expression name, its arguments): shared inputs, a diamond, same-named nodes, a reused weight, a custom
    Function, frozen and detached inputs, a data-dependent loop."""
    r = lambda *s: rand(rng, *s, device=device)  # noqa: E731
    return [("shared", (r(3), r(3))), ("diamond", (r(3),)), ("exp_twice", (r(2, 2),)), ("reuse", (r(3, 3), r(3))),
            ("custom", (r(4),)), ("frozen_input", (r(4, 5), r(3, 5), r(3))),
            ("linear_sigmoid", (r(2, 2), r(1, 2), r(1))), ("detached", (r(3), r(3))), ("loop", (r(3), 30.0))]


def listed(learner, name, args):
    """The learner's list for one expression, checked to be every node of the judge's copy exactly once."""
    got = learner.probe("nodes", name, *args)
    out, named = probes.build(name, *args)
    return public.match(got, out, named, f"the {name} graph")


def test_each_node_once(learner, device, rng):
    """Every reachable node appears exactly once: same-named distinct nodes twice, a shared node once, no None."""
    for name, args in cases(rng, device):
        listed(learner, name, args)


def test_topological_order(learner, device, rng):
    """Each node comes before every node in its next_functions (a diamond, a reused weight, a loop...)."""
    for name, args in cases(rng, device):
        if public.order_problem(listed(learner, name, args)):
            raise CheckFailure(f"in the {name} graph a node is listed after one of its next_functions: list a node "
                               "only after everything that leads to it (reverse post-order)")


def test_no_graph(learner, device, rng):
    """A leaf, a result computed under torch.no_grad() and an integer sum have no grad_fn: []."""
    for name, args in (("leaf", (rand(rng, 3, device=device),)), ("no_grad", (rand(rng, 3, device=device),)),
                       ("int_add", ())):
        got = learner.probe("nodes", name, *args)
        if not isinstance(got, dict) or got.get("type") != "list" or got["entries"]:
            raise CheckFailure(f"graph_nodes must be [] for a tensor without grad_fn ({name})")


EXPECTED_LEAVES = {"shared": ["a", "b"], "diamond": ["x"], "exp_twice": ["x"], "reuse": ["W"], "custom": ["x"],
                   "frozen_input": ["bias", "weight"], "linear_sigmoid": ["bias", "weight", "x"], "detached": ["y"],
                   "loop": ["x"], "leaf": ["x"], "no_grad": [], "int_add": []}


def test_leaf_tensors(learner, device, rng):
    """leaf_tensors gives the tensors whose .grad backward fills, once each: not detached or frozen inputs."""
    extra = [("leaf", (rand(rng, 3, device=device),)), ("no_grad", (rand(rng, 3, device=device),)), ("int_add", ())]
    for name, args in cases(rng, device) + extra:
        got = learner.probe("leaves", name, *args)
        if got.get("type") != "list":
            raise CheckFailure("leaf_tensors must return a list of tensors")
        if sorted(got["names"]) != EXPECTED_LEAVES[name]:
            raise CheckFailure(f"leaf_tensors is wrong for the {name} graph (each leaf once; a leaf that requires "
                               "grad is its own leaf; no tensor without requires_grad)")


EXPECTED_DEPENDS = {"shared": {"a": True, "b": True, "ab": True, "out": True},
                    "diamond": {"x": True, "y": True, "out": True},
                    "detached": {"x": False, "y": True, "u": False, "out": True},
                    "reuse": {"W": True, "x": False, "h": True, "out": True},
                    "frozen_input": {"x": False, "weight": True, "bias": True, "out": True},
                    "exp_twice": {"x": True, "e1": True, "out": True},
                    "linear_sigmoid": {"x": True, "weight": True, "bias": True, "out": True},
                    "leaf": {"x": True, "out": True}, "no_grad": {"x": False, "out": False},
                    "int_add": {"a": False, "b": False, "out": False}}


def test_depends_on(learner, device, rng):
    """depends_on follows next_functions: leaves and intermediates reached by backward, t itself only when it requires
    grad, not detached or same-named but unrelated tensors."""
    r = lambda *s: rand(rng, *s, device=device)  # noqa: E731
    args = {"shared": (r(3), r(3)), "diamond": (r(3),), "detached": (r(3), r(3)), "reuse": (r(3, 3), r(3)),
            "frozen_input": (r(4, 5), r(3, 5), r(3)), "exp_twice": (r(2),),
            "linear_sigmoid": (r(2, 2), r(1, 2), r(1)), "leaf": (r(2),), "no_grad": (r(2),), "int_add": ()}
    for name, want in EXPECTED_DEPENDS.items():
        got = learner.probe("depends", name, *args[name])
        for tensor, answer in want.items():
            value = got.get(tensor) if isinstance(got, dict) else None
            if type(value) is not bool:
                raise CheckFailure(f"depends_on must return a bool (the {name} graph)")
            if value is not answer:
                what = "t itself" if tensor == "out" else tensor
                raise CheckFailure(f"depends_on(t, {what}) is wrong for the {name} graph")


def test_graph_size_follows_data(learner, device, rng):
    """A data-dependent Python loop records one Mul and one Add per iteration: the node count follows the values."""
    counts = set()
    for scale in (0.05, 3.0, 40.0):
        x = rand(rng, 3, device=device, scale=scale)
        out, _ = probes.build("loop", x, 30.0)
        entries = listed(learner, "loop", (x, 30.0))
        counts.add(len(entries))
        if public.order_problem(entries):
            raise CheckFailure("in a loop graph a node is listed after one of its next_functions")
    if len(counts) < 2:
        raise CheckFailure("graph_nodes gave the same size for loops that ran a different number of times")
