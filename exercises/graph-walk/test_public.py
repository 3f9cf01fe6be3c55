"""Public graders for graph-walk, and the judge's side of every case.

Each graph is a spec (plain data) that the worker's probe and the judge both build with probes.build; the judge walks
its own copy to know the nodes, the leaves and the dependencies, and checks the learner's answers, described as
positions in the list of values the spec builds, against it. The public grader is the seeds' sigmoid(nn.Linear(2,
1)(x)) in four variants (x requiring grad or not, with or without bias) in a random order."""

import torch

from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)

UNARY = ["exp", "sin", "tanh", "sigmoid"]  # builtins, each with its own node name
BINARY = ["add", "sub", "mul"]


def _int(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _pick(rng, items):
    return items[_int(rng, 0, len(items) - 1)]


def _perm(rng, n):
    return torch.randperm(n, generator=rng).tolist()


# ---------------------------------------------------------------- the judge's view of a graph
def walk(out):
    """Every node reachable from out.grad_fn, each once, in reverse post-order (a topological order)."""
    order, seen, stack = [], set(), [(out.grad_fn, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node is None or node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c, _ in reversed(node.next_functions))
    return order[::-1]


def truth(out, values):
    """For each node of out's graph (in a topological order): its class name, the index of each of its
    next_functions (None for a None child) and, for an AccumulateGrad, the position of its variable among values."""
    order = walk(out)
    index = {node: i for i, node in enumerate(order)}
    table = []
    for node in order:
        variable = getattr(node, "variable", None)
        table.append({"name": type(node).__name__,
                      "children": [None if c is None else index[c] for c, _ in node.next_functions],
                      "variable": None if variable is None else P._position(values, variable)})
    return table


def expected_leaves(out, values):
    """Positions (sorted) of the tensors whose .grad a backward from out fills."""
    if out.grad_fn is None:
        return [P._position(values, out)] if out.requires_grad else []
    return sorted(row["variable"] for row in truth(out, values) if row["variable"] is not None)


def expected_depends(out, values):
    """For each value: does a backward from out compute a gradient for it."""
    order = set(walk(out))
    reached = {id(n.variable) for n in order if hasattr(n, "variable")}
    answers = []
    for u in values:
        if not u.requires_grad:
            answers.append(False)
        elif u is out:
            answers.append(True)
        elif u.grad_fn is None:
            answers.append(id(u) in reached)
        else:
            answers.append(u.grad_fn in order)
    return answers


def kind_of(u, out):
    """What u is, in words, for messages (no values)."""
    if u is out:
        return "u is t itself" + ("" if u.requires_grad else ", which does not require grad")
    if not u.requires_grad:
        return "u does not require grad"
    return "u is a leaf that requires grad" if u.grad_fn is None else "u is an intermediate tensor"


def match(got, out, values, what, detail=""):
    """got (the learner's list, described) lists every node of out's graph exactly once; returns its entries.
    Raises CheckFailure naming the first property that fails."""
    if not isinstance(got, dict) or got.get("type") != "list":
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        raise CheckFailure(f"graph_nodes must return a list of nodes ({what}), it returned a {kind}: build a list "
                           "(a tuple or a generator is not one)", detail)
    entries = got["entries"]
    for i, entry in enumerate(entries):
        if entry["name"] is None:
            raise CheckFailure(f"graph_nodes returned something that is not a node at position {i} ({what}): return "
                               "the node objects (grad_fn, next_functions' children), not names, tensors or "
                               "(node, index) pairs", detail)
        if entry["same_as"] != i:
            raise CheckFailure(f"graph_nodes lists the same node twice, at positions {entry['same_as']} and {i} "
                               f"({what}): keep each node once (a set of the nodes already seen)", detail)
    table = truth(out, values)
    if len(entries) != len(table):
        raise CheckFailure(f"graph_nodes must list all {len(table)} nodes of the graph exactly once, it lists "
                           f"{len(entries)} ({what})", detail)
    if not table:
        return entries
    root = got["root"]
    if root is None or root < 0:
        raise CheckFailure(f"graph_nodes must include t.grad_fn ({what})", detail)
    where, taken, stack = {0: root}, {root}, [0]
    while stack:
        t = stack.pop()
        mine, theirs = table[t], entries[where[t]]
        if mine["name"] != theirs["name"] or len(mine["children"]) != len(theirs["children"]) \
                or mine["variable"] != theirs["variable"]:
            raise CheckFailure(f"graph_nodes lists nodes that are not this graph's, or misses some ({what}): follow "
                               "next_functions from t.grad_fn and list every node reached", detail)
        for tc, lc in zip(mine["children"], theirs["children"]):
            if tc is None:
                continue
            if lc is None or lc < 0:
                raise CheckFailure(f"graph_nodes misses a node reachable through next_functions ({what})", detail)
            if tc in where:
                if where[tc] != lc:
                    raise CheckFailure(f"graph_nodes lists nodes that are not this graph's ({what})", detail)
            elif lc in taken:
                raise CheckFailure(f"graph_nodes lists one node where the graph has two different nodes ({what})",
                                   detail)
            else:
                where[tc] = lc
                taken.add(lc)
                stack.append(tc)
    if len(where) != len(table):
        raise CheckFailure(f"graph_nodes lists nodes that are not reachable from t.grad_fn ({what})", detail)
    return entries


def order_problem(entries):
    """(node name, child name) of the first node listed after one of its next_functions, or None."""
    for i, entry in enumerate(entries):
        for c in entry["children"]:
            if c is not None and 0 <= c < i:
                return entry["name"], entries[c]["name"]
    return None


def check_leaves(got, out, values, what, detail=""):
    if not isinstance(got, dict) or got.get("type") != "list":
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        raise CheckFailure(f"leaf_tensors must return a list of tensors ({what}), it returned a {kind}: build a list "
                           "(a tuple or a generator is not one)", detail)
    items = got["items"]
    if any(i == -2 for i in items):
        raise CheckFailure(f"leaf_tensors must return tensors ({what})", detail)
    if any(i == -1 for i in items):
        raise CheckFailure(f"leaf_tensors returned a tensor that is not one of the graph's leaves ({what}): return the "
                           "leaf tensors themselves (AccumulateGrad's .variable), not copies, and not leaves of "
                           "another graph (a result cached by id(t) comes back for a new t that reuses a freed id)",
                           detail)
    if len(set(items)) != len(items):
        raise CheckFailure(f"leaf_tensors lists a leaf twice ({what}): each leaf once, also one used by two ops",
                           detail)
    want = expected_leaves(out, values)
    if sorted(items) != want:
        listed = {id(values[i]) for i in items}
        if out.grad_fn is not None and id(out) in listed:
            why = ("it lists t, which is no leaf (it has a grad_fn): retain_grad() makes a backward fill t.grad, "
                   "but only leaves are asked for")
        elif any(values[i].grad_fn is not None for i in items):
            why = ("it lists a tensor that is no leaf (it has a grad_fn), one kept its .grad with retain_grad(): "
                   "only leaves are asked for")
        elif out.grad_fn is None:
            why = ("t is a leaf that requires grad: t itself" if out.requires_grad else
                   "t does not require grad: []")
        elif set(items) < set(want):
            why = ("it misses a leaf that requires grad and is reached through next_functions (two leaves with the "
                   "same values, even the same storage, are two leaves: keep each once by identity)")
        else:
            why = "it lists a tensor that backward does not reach (detached, computed without grad, or unused)"
        raise CheckFailure(f"leaf_tensors is wrong ({what}): {why}", detail)


# ---------------------------------------------------------------- drawing specs
def leaf(rng, shape, grad, scale=1.0):
    return ["leaf", torch.randn(shape, generator=rng, dtype=torch.float64) * scale, bool(grad)]


def _shape(rng):
    n = _int(rng, 2, 4)
    return (n,) if _int(rng, 0, 1) else (n, n)


def draw(rng):
    """A random spec that has a graph: 2 to 4 leaves of one shape, some requiring grad and some not, then 4 to 8
    random operations (builtin and custom unary ops, views, reductions, products, detach, no_grad, a re-leafed
    value) on earlier values, some of them reused and some left unused; the output folds the last value with one or
    two earlier ones."""
    while True:
        shape = _shape(rng)
        steps, full = [], []  # full[i]: value i has the leaves' shape (else 0-d)
        for _ in range(_int(rng, 2, 4)):
            steps.append(leaf(rng, shape, _int(rng, 0, 9) < 7))
            full.append(True)

        def arg():
            n = len(steps)
            return n - 1 - min(_int(rng, 0, 3), n - 1) if _int(rng, 0, 2) else _int(rng, 0, n - 1)

        for _ in range(_int(rng, 4, 8)):
            r = _int(rng, 0, 19)
            if r < 8:
                i = arg()
                name = _pick(rng, UNARY + ["square", "scale", "view"] + (["t"] if len(shape) == 2 and full[i] else []))
                steps.append([name, i] + ([_pick(rng, [2.0, -0.5, 3.0])] if name == "scale" else []))
                full.append(full[i])
            elif r < 9:
                i = arg()
                steps.append(["sum", i])
                full.append(False)
            elif r < 10:
                i = arg()
                steps.append(_pick(rng, [["detach", i], ["regrad", i], ["nograd", i, 2.0]]))
                full.append(full[i])
            else:
                i, j = arg(), arg()
                if len(shape) == 2 and full[i] and full[j] and _int(rng, 0, 3) == 0:
                    steps.append(["matmul", i, j])
                else:
                    steps.append([_pick(rng, BINARY), i, j])
                full.append(full[i] or full[j])
        for _ in range(_int(rng, 1, 2)):
            n = len(steps)
            steps.append([_pick(rng, BINARY), n - 1, _int(rng, 0, n - 2)])
            full.append(True)
        if _int(rng, 0, 1):
            steps.append(["sum", len(steps) - 1])
        spec = {"steps": steps}
        out, _ = P.build(spec)
        if out.grad_fn is not None and len(walk(out)) >= 4:
            return spec


def draw_separating(rng):
    """A spec that always separates the near-miss walks, with random values, shapes, ops and positions: three
    same-named nodes of one input (one unused), a value used directly and through another op (direct use first, so
    breadth-first and pre-order put it too early), a frozen leaf and a detached branch (None children), a leaf that
    requires grad reached only through .detach(), a leaf used by two ops, a view, a custom Function; and leaves that
    require grad and are equal to x or w but are other tensors, only identity telling them apart: twins (the same
    values, their own storage) and copies made with .detach().requires_grad_() (the same storage), one of each
    unused (x's twin, w's copy) and one of each used (w's twin, x's copy); and an intermediate and the output made to
    keep their .grad with retain_grad(), which are no leaves for it."""
    shape = _shape(rng)
    roles = ["x", "w", "f", "z"] + ["extra"] * _int(rng, 0, 2)
    order = _perm(rng, len(roles))
    steps, at = [], {}
    for k in order:
        role = roles[k]
        grad = {"x": True, "w": True, "f": False, "z": True}.get(role, _int(rng, 0, 1))
        if role == "extra":
            at.setdefault("extras", []).append(len(steps))
        else:
            at[role] = len(steps)
        steps.append(leaf(rng, shape, grad))

    def add(*step):
        steps.append(list(step))
        return len(steps) - 1

    # Leaves equal to x or w but other tensors, in a random order: a twin (the same values in its own storage) and a
    # re-leafed copy (.detach().requires_grad_(): the very same storage) of each; x's twin and w's copy stay unused,
    # w's twin and x's copy are folded into the output.
    kinds = [("twin", "x"), ("regrad", "w"), ("twin", "w"), ("regrad", "x")]
    for k in _perm(rng, 4):
        kind, of = kinds[k]
        at[kind + "_" + of] = add(*(["leaf", steps[at[of]][1].clone(), True] if kind == "twin" else
                                    ["regrad", at[of]]))
    u1 = _pick(rng, UNARY)
    a = add(u1, at["x"])
    b = add(u1, at["x"])
    add(u1, at["x"])  # same name as a and b, computed but unused
    y = add(_pick(rng, BINARY), a, at["w"])
    if _int(rng, 0, 1):
        y = add("view", y)
    y = add("retain", y)  # an intermediate that keeps its .grad is still no leaf
    d = add("add", y, add(_pick(rng, UNARY + ["square"]), y))
    e = add(_pick(rng, BINARY), d, at["f"])
    g = add("detach", add(_pick(rng, UNARY), at["z"]) if _int(rng, 0, 1) else at["z"])
    h = add(_pick(rng, BINARY), e, g) if _int(rng, 0, 1) else add(_pick(rng, BINARY), g, e)
    k = add(_pick(rng, BINARY), h, add("square", b))
    m = add("mul", k, at["w"])
    for i in shuffled(rng, [at["twin_w"], at["regrad_x"]] + [i for i in at.get("extras", []) if _int(rng, 0, 1)]):
        m = add(_pick(rng, BINARY), m, i)
    if _int(rng, 0, 1):
        m = add("sum", m)
    add("retain", m)  # t itself keeps its .grad: a backward from t fills t.grad, yet t is no leaf
    return {"steps": steps}


NO_GRAPH = {
    "leaf_grad": "a leaf that requires grad",
    "leaf_frozen": "a leaf that does not require grad",
    "frozen": "a result of inputs that do not require grad",
    "no_grad": "a result computed under torch.no_grad()",
    "detach": "a detached result",
    "int": "a sum of integer tensors",
}


def draw_no_graph(rng, kind):
    """A spec whose output has no grad_fn, of the given kind (see NO_GRAPH), with random values and other leaves."""
    if kind == "int":
        steps = [["leaf", torch.randint(-5, 6, (), generator=rng), False] for _ in range(_int(rng, 2, 3))]
        steps.append(["add", 0, 1])
        if len(steps) == 4:
            steps.append([_pick(rng, ["add", "mul"]), 3, 2])
        return {"steps": steps}
    shape = _shape(rng)
    grads = {"leaf_grad": True, "leaf_frozen": False, "frozen": False}.get(kind, True)
    steps = [leaf(rng, shape, grads if kind != "leaf_grad" else _int(rng, 0, 1)) for _ in range(_int(rng, 2, 3))]
    if kind in ("leaf_grad", "leaf_frozen"):
        i = _int(rng, 0, len(steps) - 1)
        steps[i][2] = kind == "leaf_grad"
        steps.append(["exp", i])  # a graph next to it, not behind it
        return {"steps": steps, "out": i}
    steps.append([_pick(rng, BINARY), 0, 1])
    steps.append([_pick(rng, UNARY), len(steps) - 1])
    if kind == "no_grad":
        steps.append(["nograd", len(steps) - 1, _pick(rng, [2.0, -1.0])])
    elif kind == "detach":
        steps.append(["detach", len(steps) - 1])
    return {"steps": steps}


def shuffled(rng, items):
    return [items[i] for i in _perm(rng, len(items))]


# ---------------------------------------------------------------- the public example
X = [[1.0, 2.0], [3.0, 4.0]]
W = [[0.5, -0.5]]
B = [0.1]


def linear_spec(x_grad, bias):
    f64 = torch.float64
    steps = [["leaf", torch.tensor(X, dtype=f64), x_grad], ["leaf", torch.tensor(W, dtype=f64), True]]
    if bias:
        steps.append(["leaf", torch.tensor(B, dtype=f64), True])
    steps.append(["linear", 0, 1, 2 if bias else -1])
    steps.append(["sigmoid", len(steps) - 1])
    return {"steps": steps}


def test_linear_sigmoid_example(learner, device, rng):
    """graph_nodes lists the nodes of sigmoid(Linear(2, 1)(x)) once each, each before its next_functions, and
    leaf_tensors gives the parameters (and x when it requires grad): x requiring grad (003-15) or not (003-02), the
    layer with or without bias, in a random order."""
    variants = shuffled(rng, [(True, True), (False, True), (True, False), (False, False)])
    for x_grad, bias in variants:
        spec = linear_spec(x_grad, bias)
        out, values = P.build(spec, str(device))
        inputs = (f"x = {X} (requires_grad={x_grad}), linear = nn.Linear(2, 1{'' if bias else ', bias=False'}) with "
                  f"weight {W}{f' and bias {B}' if bias else ''}, out = torch.sigmoid(linear(x))")
        names = [type(n).__name__ + (" (x)" if hasattr(n, "variable") and n.variable is values[0] else "")
                 for n in walk(out)]
        got = learner.probe("nodes", spec, str(device))
        received = [e.get("name") for e in got.get("entries", [])] if isinstance(got, dict) else got
        detail = (f"inputs: {inputs}\nexpected these {len(names)} nodes once each, each before its next_functions, "
                  f"e.g. {names}\nreceived {received}")
        entries = match(got, out, values, "sigmoid(Linear(2, 1)(x))", detail)
        problem = order_problem(entries)
        if problem:
            raise CheckFailure("graph_nodes must list each node before the nodes in its next_functions",
                               f"{detail}\n{problem[0]} comes after {problem[1]}, one of its next_functions")
        params = ["x"] * x_grad + ["linear.weight"] + ["linear.bias"] * bias
        got = learner.probe("leaves", spec, str(device))
        label = {0: "x", 1: "linear.weight", 2: "linear.bias", -1: "another tensor", -2: "not a tensor"}
        received = ([label.get(i, "another tensor") for i in got["items"]] if isinstance(got, dict) and got.get("type") == "list" else got)
        check_leaves(got, out, values, "sigmoid(Linear(2, 1)(x))",
                     f"inputs: {inputs}\nexpected {params} in any order\nreceived {received}")
