"""Hidden graders for graph-walk: many graph shapes, random values per run, a graph whose size follows the data."""

import torch

from grader.judge.checks import CheckFailure


def rand(rng, *shape, device, scale=1.0):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(device)


def cases(rng, device):
    """(expression name, its arguments): shared inputs, same-named nodes, a reused weight, a custom Function."""
    r = lambda *s: rand(rng, *s, device=device)  # noqa: E731
    return [("shared", (r(3), r(3))), ("exp_twice", (r(2, 2),)), ("reuse", (r(3, 3), r(3))), ("custom", (r(4),)),
            ("frozen_input", (r(4, 5), r(3, 5), r(3))), ("linear_sigmoid", (r(2, 2), r(1, 2), r(1))),
            ("detached", (r(3), r(3))), ("loop", (r(3), 30.0))]


def listed(learner, name, args):
    got = learner.probe("nodes", name, *args)
    if got["type"] != "list":
        raise CheckFailure("graph_nodes must return a list of nodes")
    return got


def test_each_node_once(learner, device, rng):
    """Every reachable node appears exactly once: same-named distinct nodes twice, a shared node once, no None."""
    for name, args in cases(rng, device):
        got = listed(learner, name, args)
        if -2 in got["indices"]:
            raise CheckFailure(f"graph_nodes returned something that is not a node (for the {name} graph): return "
                               "the grad_fn objects, not names or (node, index) pairs")
        if sorted(got["indices"]) != list(range(got["n"])):
            raise CheckFailure(f"graph_nodes must list every node of the {name} graph exactly once (identity, not name)")


def test_topological_order(learner, device, rng):
    """Each node comes before every node in its next_functions."""
    for name, args in cases(rng, device):
        got = listed(learner, name, args)
        pos = {i: p for p, i in enumerate(got["indices"])}
        if any(a in pos and b in pos and pos[a] > pos[b] for a, b in got["edges"]):
            raise CheckFailure(f"in the {name} graph a node is listed after one of its next_functions")


def test_no_graph(learner, device, rng):
    """A leaf, a result computed under torch.no_grad() and an integer sum have no grad_fn: []."""
    for name, args in (("leaf", (rand(rng, 3, device=device),)), ("no_grad", (rand(rng, 3, device=device),)),
                       ("int_add", ())):
        got = listed(learner, name, args)
        if got["indices"]:
            raise CheckFailure(f"graph_nodes must be [] for a tensor without grad_fn ({name})")


EXPECTED_LEAVES = {"shared": ["a", "b"], "exp_twice": ["x"], "reuse": ["W"], "custom": ["x"],
                   "frozen_input": ["bias", "weight"], "linear_sigmoid": ["bias", "weight", "x"], "detached": ["y"],
                   "loop": ["x"], "leaf": ["x"], "no_grad": [], "int_add": []}


def test_leaf_tensors(learner, device, rng):
    """leaf_tensors gives the tensors whose .grad backward fills, once each: not detached or frozen inputs."""
    extra = [("leaf", (rand(rng, 3, device=device),)), ("no_grad", (rand(rng, 3, device=device),)), ("int_add", ())]
    for name, args in cases(rng, device) + extra:
        got = learner.probe("leaves", name, *args)
        if got["type"] != "list":
            raise CheckFailure("leaf_tensors must return a list of tensors")
        if sorted(got["names"]) != EXPECTED_LEAVES[name]:
            raise CheckFailure(f"leaf_tensors is wrong for the {name} graph (each leaf once; a leaf that requires "
                               "grad is its own leaf; no tensor without requires_grad)")


EXPECTED_DEPENDS = {"shared": {"a": True, "b": True, "ab": True},
                    "detached": {"x": False, "y": True, "u": False},
                    "reuse": {"W": True, "x": False, "h": True},
                    "frozen_input": {"x": False, "weight": True, "bias": True},
                    "exp_twice": {"x": True, "e1": True},
                    "leaf": {"x": True}, "no_grad": {"x": False}, "int_add": {"a": False, "b": False}}


def test_depends_on(learner, device, rng):
    """depends_on follows next_functions: leaves and intermediates reached by backward, not detached ones."""
    r = lambda *s: rand(rng, *s, device=device)  # noqa: E731
    args = {"shared": (r(3), r(3)), "detached": (r(3), r(3)), "reuse": (r(3, 3), r(3)),
            "frozen_input": (r(4, 5), r(3, 5), r(3)), "exp_twice": (r(2),), "leaf": (r(2),), "no_grad": (r(2),),
            "int_add": ()}
    for name, want in EXPECTED_DEPENDS.items():
        got = learner.probe("depends", name, *args[name])
        for tensor, answer in want.items():
            value = got.get(tensor)
            if value is not answer:
                raise CheckFailure(f"depends_on(out, {tensor}) is wrong for the {name} graph (it must be a bool)")


def test_graph_size_follows_data(learner, device, rng):
    """A data-dependent Python loop records one Mul and one Add per iteration: the node count follows the values."""
    counts = set()
    for scale in (0.05, 3.0, 40.0):
        x = rand(rng, 3, device=device, scale=scale)
        y, steps = x.clone(), 0
        while float(y.norm()) < 30.0 and steps < 40:
            y = y * 1.5 + 0.1
            steps += 1
        got = listed(learner, "loop", (x, 30.0))
        if got["n"] != 2 * steps + 2:  # a check of the trusted enumeration
            raise CheckFailure("the loop graph is not what this grader expects")
        if sorted(got["indices"]) != list(range(got["n"])):
            raise CheckFailure(f"graph_nodes must list all {2 * steps + 2} nodes of a loop that ran {steps} times")
        counts.add(len(got["indices"]))
    if len(counts) < 2:
        raise CheckFailure("graph_nodes gave the same size for loops that ran a different number of times")
