"""Public graders for graph-walk: the seed's sigmoid(nn.Linear(2, 1)(x)) with x requiring grad. The judge builds the
same graph itself and checks the learner's list, described as plain data, against it."""

import torch

from grader.judge.checks import CheckFailure, load_sibling

probes = load_sibling(__file__)


def truth(out, named):
    """The judge's own view of out's graph: for each node (in a discovery order), its class name, the index of each
    of its next_functions (None for a None child) and, for an AccumulateGrad, the name of its variable."""
    order, index = [], {}

    def visit(node):
        if node is None or node in index:
            return
        index[node] = len(order)
        order.append(node)
        for child, _ in node.next_functions:
            visit(child)

    visit(out.grad_fn)
    table = []
    for node in order:
        variable = getattr(node, "variable", None)
        table.append({"name": type(node).__name__,
                      "children": [None if c is None else index[c] for c, _ in node.next_functions],
                      "variable": None if variable is None else next((k for k, v in named.items() if v is variable),
                                                                     "?")})
    return table


def match(got, out, named, what, detail=""):
    """got (the learner's list, described) lists every node of out's graph exactly once; returns its entries.
    Raises CheckFailure naming the first property that fails."""
    if not isinstance(got, dict) or got.get("type") != "list":
        raise CheckFailure(f"graph_nodes must return a list of nodes ({what})", detail)
    entries = got["entries"]
    for i, entry in enumerate(entries):
        if entry["name"] is None:
            raise CheckFailure(f"graph_nodes returned something that is not a node at position {i} ({what}): return "
                               "the node objects (grad_fn, next_functions' children), not names, tensors or "
                               "(node, index) pairs", detail)
        if entry["same_as"] != i:
            raise CheckFailure(f"graph_nodes lists the same node twice, at positions {entry['same_as']} and {i} "
                               f"({what}): keep each node once (a set of the nodes already seen)", detail)
    table = truth(out, named)
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


def test_linear_sigmoid_example(learner, device):
    """graph_nodes lists the 6 nodes of sigmoid(Linear(2, 1)(x)) once each, each before its next_functions; leaf_tensors
    gives x, linear.weight and linear.bias."""
    f64 = dict(dtype=torch.float64, device=device)
    args = (torch.tensor([[1.0, 2.0], [3.0, 4.0]], **f64), torch.tensor([[0.5, -0.5]], **f64),
            torch.tensor([0.1], **f64))
    inputs = "x = [[1, 2], [3, 4]] (requires grad), linear = nn.Linear(2, 1), out = torch.sigmoid(linear(x))"
    out, named = probes.build("linear_sigmoid", *args)
    got = learner.probe("nodes", "linear_sigmoid", *args)
    names = [e.get("name") for e in got.get("entries", [])] if isinstance(got, dict) else got
    expected = ("SigmoidBackward0, AddmmBackward0, then in some order AccumulateGrad (bias), TBackward0 and "
                "AccumulateGrad (x), with AccumulateGrad (weight) after TBackward0")
    detail = f"inputs: {inputs}\nexpected {expected}\nreceived {names}"
    entries = match(got, out, named, "sigmoid(Linear(2, 1)(x))", detail)
    problem = order_problem(entries)
    if problem:
        raise CheckFailure("graph_nodes must list each node before the nodes in its next_functions",
                           f"{detail}\n{problem[0]} comes after {problem[1]}, one of its next_functions")
    leaves = learner.probe("leaves", "linear_sigmoid", *args)
    if leaves.get("type") != "list" or sorted(leaves["names"]) != ["bias", "weight", "x"]:
        raise CheckFailure("leaf_tensors must return x, linear.weight and linear.bias, once each",
                           f"inputs: {inputs}\nexpected [x, weight, bias] in any order\n"
                           f"received {leaves.get('names', leaves.get('type'))}")
