"""Hidden graders for graph-walk: every graph is drawn per run as a spec (random ops over random leaves, some
requiring grad and some not, detached branches, reused values, views, a custom Function), built in the worker and, a
trusted copy, in the judge, which walks its own graph for the expected answer. Each grader always has a graph that
separates the near-miss walks (same-named nodes, a value used directly and through another op, None children, a
leaf reached only through .detach()) beside random ones, and mixes answer kinds in a random order, so no fixed
answer or table passes it."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)
T = load_sibling(__file__, "test_public.py")


def graphs(rng, random=2):
    """The separating spec and `random` random ones."""
    return [T.draw_separating(rng)] + [T.draw(rng) for _ in range(random)]


def no_graphs(rng, count):
    """`count` specs without a graph: always the integer sum and a leaf that requires grad, then other kinds."""
    kinds = ["int", "leaf_grad"] + T.shuffled(rng, ["leaf_frozen", "frozen", "no_grad", "detach"])
    return [T.draw_no_graph(rng, kind) for kind in kinds[:count]]


def multi_output(rng):
    """Two outputs of one x.unbind(0) (one node, two output_nr): the output uses one of them; the other's node is
    reached all the same."""
    n = T._int(rng, 2, 4)
    steps = [T.leaf(rng, (n,) if T._int(rng, 0, 1) else (n, n), True)]
    i, j = T._perm(rng, n)[:2]
    steps += [["unbind", 0, i], ["unbind", 0, j]]
    order = T._perm(rng, 2)
    steps.append([T._pick(rng, T.UNARY), 1 + order[0]])
    steps.append(["scale", len(steps) - 1, 2.0])
    steps.append(["sum", len(steps) - 1])
    return {"steps": steps}


def shared_root(rng):
    """t is itself one output of x.unbind(0) and u another: u's node is t.grad_fn, the root of the walk."""
    n = T._int(rng, 2, 4)
    i, j = T._perm(rng, n)[:2]
    return {"steps": [T.leaf(rng, (n,) if T._int(rng, 0, 1) else (n, n), True), ["unbind", 0, i], ["unbind", 0, j]],
            "out": 2}


def unused_view(rng):
    """A view of a leaf that t never uses (t uses the leaf itself): backward from t computes no gradient for the view."""
    n = T._int(rng, 2, 4)
    steps = [T.leaf(rng, (n, n), True), ["view", 0], [T._pick(rng, T.UNARY), 0]]
    steps.append(["sum", len(steps) - 1])
    return {"steps": steps}


def leaf_twins(rng):
    """t is a leaf that requires grad, beside tensors equal to it that are other tensors: a twin (the same values in
    its own storage, requiring grad), a frozen twin, a .detach().requires_grad_() copy (the very same storage) and a
    result computed from t, in a random order. A backward from t computes a gradient for t alone: only identity
    tells t from its equals."""
    n = T._int(rng, 2, 4)
    shape = (n,) if T._int(rng, 0, 1) else (n, n)
    value = torch.randn(shape, generator=rng, dtype=torch.float64)
    roles = T.shuffled(rng, ["t", "twin", "frozen"])
    steps = [["leaf", value.clone(), role != "frozen"] for role in roles]
    at = roles.index("t")
    steps.append(["regrad", at])
    steps.append([T._pick(rng, T.UNARY), at])
    return {"steps": steps, "out": at}


def self_product(rng, product_first):
    """A value c multiplied by itself (c's node appears twice in one next_functions: two edges from one parent) and
    also reached through a chain of two or three unary ops from the output's other operand; product_first puts the
    product first or last in the output's next_functions. A Kahn sort that counts one edge per distinct parent
    releases c as soon as the product is processed, while the chain still leads to c: a queue lists c too early in
    either order, a stack in one of the two (both are always drawn)."""
    n = T._int(rng, 2, 4)
    steps = [T.leaf(rng, (n,) if T._int(rng, 0, 1) else (n, n), True)]

    def add(*step):
        steps.append(list(step))
        return len(steps) - 1

    c = add(T._pick(rng, T.UNARY), 0)
    p = add("mul", c, c)
    q = c
    for _ in range(T._int(rng, 2, 3)):
        q = add(T._pick(rng, T.UNARY), q)
    out = add(T._pick(rng, T.BINARY), *((p, q) if product_first else (q, p)))
    if T._int(rng, 0, 1):
        add("sum", out)
    return {"steps": steps}


AFTER = " (after a backward from t with retain_graph=True: leaves already holding a .grad are still walked)"


def listed(learner, device, spec, what, backward=False):
    """The learner's list for one spec, checked to be every node of the judge's copy exactly once."""
    got = learner.probe("nodes", spec, str(device), backward=backward)
    out, values = P.build(spec, str(device))
    return T.match(got, out, values, what)


def test_each_node_once(learner, device, rng):
    """Every reachable node appears exactly once: same-named distinct nodes each, a shared node once, no None; also
    after a backward (AccumulateGrad of leaves that hold a .grad included) and for a multi-output node."""
    for spec in T.shuffled(rng, graphs(rng)):
        listed(learner, device, spec, "a random graph with shared inputs, same-named nodes and frozen inputs")
    listed(learner, device, T.draw_separating(rng), "a random graph" + AFTER, backward=True)
    listed(learner, device, multi_output(rng), "two outputs of one unbind")


def test_topological_order(learner, device, rng):
    """Each node comes before every node in its next_functions (a value used directly and through another op, a value
    multiplied by itself and also reached through a longer chain...)."""
    for spec in T.shuffled(rng, graphs(rng) + [self_product(rng, True), self_product(rng, False)]):
        problem = T.order_problem(listed(learner, device, spec, "a random graph"))
        if problem:
            raise CheckFailure(f"a {problem[0]} node is listed after {problem[1]}, one of its next_functions: list a "
                               "node only after everything that leads to it (reverse post-order); breadth-first "
                               "and pre-order are not enough when a value is used both directly and through "
                               "another op, and a count of the edges into a node must count each entry of "
                               "next_functions (x * x lists x's node twice)")


def test_no_graph(learner, device, rng):
    """A leaf, a frozen or detached result, a result computed under torch.no_grad() and an integer sum have no
    grad_fn: []; a tensor with a grad_fn among them (random order) must get a list holding t.grad_fn (the rest of
    its graph is for the other graders)."""
    specs = [(s, True) for s in no_graphs(rng, 3)] + [(T.draw(rng), False)]
    for spec, empty in T.shuffled(rng, specs):
        got = learner.probe("nodes", spec, str(device))
        out, values = P.build(spec, str(device))
        if isinstance(got, dict) and got.get("type") not in (None, "list"):
            raise CheckFailure(f"graph_nodes must return a list, it returned a {got['type']} (for a tensor "
                               f"{'without' if empty else 'with'} grad_fn): `[]` when t.grad_fn is None")
        if empty:
            if not isinstance(got, dict) or got.get("type") != "list" or got["entries"]:
                raise CheckFailure("graph_nodes must be [] for a tensor without grad_fn (a leaf, a result computed "
                                   "without grad, integer tensors)")
        elif not isinstance(got, dict) or got.get("type") != "list" or got["root"] is None or got["root"] < 0:
            raise CheckFailure("graph_nodes must not be [] for a tensor that has a grad_fn: the list starts from "
                               "t.grad_fn (checked among tensors that have none)")


def test_leaf_tensors(learner, device, rng):
    """leaf_tensors gives the tensors whose .grad backward fills, once each (by identity: leaves equal in values or
    storage are each listed): not detached, frozen or unused inputs; t itself for a leaf that requires grad, [] for a
    tensor that does not require grad."""
    specs = [(spec, False) for spec in graphs(rng) + no_graphs(rng, 3)]
    specs += [(T.draw_separating(rng), True), (T.draw_no_graph(rng, "leaf_grad"), True)]
    for spec, backward in T.shuffled(rng, specs):
        got = learner.probe("leaves", spec, str(device), backward=backward)
        out, values = P.build(spec, str(device))
        T.check_leaves(got, out, values, ("a random graph" if out.grad_fn is not None else
                                          "a tensor without grad_fn") + (AFTER if backward else ""))


def test_depends_on(learner, device, rng):
    """depends_on follows next_functions: leaves and intermediates reached by backward, t itself only when it requires
    grad; not detached, frozen or unused tensors, nor an unused node with the same name as a used one, nor an unused
    leaf equal to a used one (same values, or the same storage through .detach().requires_grad_()); also after a
    backward, and for an unused output of a multi-output node (unbind) whose node t reaches through another output
    (also when that node is t.grad_fn itself); not for an unused view of a leaf t uses (a view is its own tensor);
    and for a leaf t, not for tensors equal to t (a twin, a .detach().requires_grad_() copy): t alone."""
    specs = [(spec, False) for spec in graphs(rng) + no_graphs(rng, 2) + [multi_output(rng), shared_root(rng),
                                                                          unused_view(rng), leaf_twins(rng)]]
    specs += [(T.draw_separating(rng), True)]
    for spec, backward in T.shuffled(rng, specs):
        out, values = P.build(spec, str(device))
        want = T.expected_depends(out, values)
        asked = T.shuffled(rng, list(range(len(values))))
        got = learner.probe("depends", spec, str(device), asked, backward=backward)
        if not isinstance(got, list) or len(got) != len(asked):
            raise CheckFailure("depends_on must return a bool")
        for i, value in zip(asked, got):
            if type(value) is not bool:
                raise CheckFailure(f"depends_on must return a bool, it returned a {value}")
            if value is not want[i]:
                what = T.kind_of(values[i], out) + (AFTER if backward else "")
                hint = ""
                if want[i] and values[i].grad_fn is not None:
                    hint = (": its grad_fn is reached from t.grad_fn (a node is reached whichever of its outputs, "
                            "output_nr, the path uses)")
                if not want[i] and values[i].requires_grad and values[i].grad_fn is None and values[i] is not out:
                    hint = (": it is none of the AccumulateGrad .variable tensors reached from t.grad_fn (nothing is "
                            "reached through .detach(), and a tensor equal to one of them, by values or even by "
                            "storage, is another tensor: compare with `is`)")
                raise CheckFailure(f"depends_on(t, u) is wrong where {what} and "
                                   f"{'a backward from t reaches it' if want[i] else 'a backward from t does not compute a gradient for it'}"
                                   f"{hint}")


def judge_node_count(spec, device):
    """How many distinct nodes the judge's own copy of spec's graph has."""
    out, _ = P.build(spec, device)
    seen, stack = set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.add(node)
            stack.extend(child for child, _ in node.next_functions)
    return len(seen)


def loop_spec(rng, scale):
    steps = [T.leaf(rng, (3,), True, scale)]
    if torch.rand((), generator=rng) < 0.5:
        steps.append([T._pick(rng, T.UNARY), 0])
    steps += [["loop", len(steps) - 1, 30.0], ["sum", len(steps)]]
    return {"steps": steps}


def test_graph_size_follows_data(learner, device, rng):
    """A data-dependent Python loop records one Mul and one Add per iteration: the node count follows the values
    (three loops, at least two of whose graphs differ in size in the judge's own copy)."""
    for _ in range(100):  # redrawn until the judge's graphs differ in size: the verdict never depends on the seed
        specs = [loop_spec(rng, scale) for scale in T.shuffled(rng, [0.05, 3.0, 40.0])]
        if len({judge_node_count(spec, str(device)) for spec in specs}) >= 2:
            break
    else:
        raise AssertionError("prep could not draw loops of different sizes")  # the grader's bug, never the learner's
    counts = set()
    for spec in specs:
        entries = listed(learner, device, spec, "a loop whose number of iterations depends on the data")
        counts.add(len(entries))
        if T.order_problem(entries):
            raise CheckFailure("in a loop graph a node is listed after one of its next_functions")
    if len(counts) < 2:
        raise CheckFailure("graph_nodes gave the same size for loops that ran a different number of times")
    # a loop that runs 1500 times records a graph 1500 nodes deep: a recursive walk passes every small graph above
    # and dies at Python's recursion limit (about 1000) here
    deep = {"steps": [T.leaf(rng, (3,), True), ["chain", 0, 1500], ["sum", 1]]}
    fix = ("walk the graph with an explicit stack or queue, not recursion: a loop of k iterations records a chain k "
           "nodes deep, past Python's recursion limit (about 1000)")
    what = "a loop that ran 1500 times (a chain of 1500 multiplications)"
    got = kit.learner_reply(lambda: learner.probe("nodes", deep, str(device)), what=f"graph_nodes on {what}", fix=fix)
    out, values = P.build(deep, str(device))
    if T.order_problem(T.match(got, out, values, what)):
        raise CheckFailure(f"in {what} a node is listed after one of its next_functions")
    got = kit.learner_reply(lambda: learner.probe("depends", deep, str(device), [0, 1]),
                            what=f"depends_on(t, u) on {what}", fix=fix)
    if got != [True, True]:
        raise CheckFailure(f"depends_on(t, u) must be True for the leaf and the chain's end in {what}")
