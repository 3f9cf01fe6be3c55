"""Public graders for fix-jit-fork. The graphs come back as text and are read here, in the judge."""

import re

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

def _in(what):
    return f" ({what})" if what else ""


NODE = re.compile(r"^\s*(%[\w.]+) : .* = ((?:prim|aten)::\w+)\(([^)]*)\)")


def top_level(graph):
    """The nodes of a graph's own body (not the forked subgraphs printed after it): [(value, op, args)]."""
    nodes = []
    for line in graph.splitlines():
        if line.startswith("with "):
            break
        m = NODE.match(line)
        if m:
            nodes.append((m.group(1), m.group(2), [a.strip() for a in m.group(3).split(",") if a.strip()]))
    return nodes


def script_structure(got, what, inputs=""):
    """my_function is a ScriptFunction that forks and waits, and whose first output is the value of an aten::wait."""
    if not got["is_script"]:
        raise CheckFailure("my_function must be a TorchScript function (decorate it with @torch.jit.script)",
                           f"it is a {got['type']}; {inputs}")
    nodes = top_level(got["graph"])
    ops = {v: op for v, op, _ in nodes}
    forks = [v for v, op, _ in nodes if op.startswith("prim::fork")]
    waits = [(v, args) for v, op, args in nodes if op == "aten::wait"]
    if not forks or not waits:
        raise CheckFailure(f"the scripted graph of my_function must fork a task and wait for it{_in(what)}",
                           f"prim::fork in its graph: {bool(forks)}, aten::wait: {bool(waits)}; {inputs}")
    if not isinstance(got["out"], tuple) or len(got["out"]) != 2:
        raise CheckFailure(f"my_function must return a pair (a tuple) (x + y, x * y){_in(what)}",
                           f"it returned {type(got['out']).__name__}; {inputs}")
    tuples = [args for _, op, args in nodes if op == "prim::TupleConstruct"]
    first = tuples[-1][0] if tuples and tuples[-1] else None
    if first not in {v for v, _ in waits}:
        raise CheckFailure(f"the first output of my_function (x + y) must be the value waited for from the forked task"
                           f"{_in(what)}", f"in its graph the first output comes from {ops.get(first, 'no node')}; "
                           f"{inputs}")


def expect_pair(out, x, y, what, inputs=""):
    if not isinstance(out, tuple) or len(out) != 2:
        raise CheckFailure(f"my_function must return a pair (a tuple) (x + y, x * y){_in(what)}",
                           f"it returned {type(out).__name__}; {inputs}")
    expect_close(out[0], x + y, what=f"the first output (x + y){_in(what)}", inputs=inputs)
    expect_close(out[1], x * y, what=f"the second output (x * y){_in(what)}", inputs=inputs)


def expect_results(out, want, what, inputs=""):
    if not isinstance(out, list) or len(out) != len(want):
        raise CheckFailure(f"fork_all must return a list with one result per function{_in(what)}",
                           f"received {type(out).__name__}{' of length ' + str(len(out)) if isinstance(out, (list, tuple)) else ''}"
                           f", expected a list of {len(want)}; {inputs}")
    for i, (a, b) in enumerate(zip(out, want)):
        expect_close(a, b, what=f"result {i} of fork_all{_in(what)}", inputs=inputs)


def fork_structure(traced, count, what, inputs=""):
    """One prim::fork per function, all of them before the first aten::wait, one aten::wait per future."""
    if "error" in traced:
        raise CheckFailure(f"torch.jit.trace could not trace a call of fork_all{_in(what)}", f"{traced['error']}; {inputs}")
    nodes = top_level(traced["graph"])
    kinds = ["fork" if op.startswith("prim::fork") else "wait" for _, op, _ in nodes
             if op.startswith("prim::fork") or op == "aten::wait"]
    if kinds.count("fork") != count:
        raise CheckFailure(f"fork_all must start every function with torch.jit.fork{_in(what)}",
                           f"traced, a call with {count} function(s) records {kinds.count('fork')} prim::fork; {inputs}")
    if kinds.count("wait") != count or kinds != ["fork"] * count + ["wait"] * count:
        raise CheckFailure(f"fork_all must fork every function first and only then wait for each future{_in(what)}",
                           f"traced, the order of forks and waits is {kinds}; {inputs}")


def test_script_example(learner, device):
    """my_function(ones(2), full(3)) is ([4, 4], [3, 3]); its graph forks a task whose waited value is the first output."""
    x, y = torch.ones(2, device=device), torch.full((2,), 3.0, device=device)
    inputs = "x = [1, 1], y = [3, 3]"
    got = learner.probe("script_facts", x, y)
    script_structure(got, "", inputs)
    expect_pair(got["out"], x, y, "", inputs)


def test_fork_all_example(learner, device):
    """fork_all([sin, t * 3, cumsum, exp], x): the four results in order; traced, four forks before four waits."""
    x = torch.tensor([0.5, -1.0, 2.0, 0.0], device=device)
    inputs = "fns = [torch.sin, lambda t: t * 3, lambda t: t.cumsum(0), torch.exp], x = [0.5, -1, 2, 0]"
    expect_results(learner.probe("fork_all_eager", "four", x), P.reference_fork_all("four", x), "", inputs)
    fork_structure(learner.probe("fork_all_traced", "four", x), 4, "", inputs)
