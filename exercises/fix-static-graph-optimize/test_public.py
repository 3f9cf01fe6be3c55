"""Public graders for fix-static-graph-optimize. The worker sends the returned GraphModule's graph as plain data and the
code it runs; duplicates, dead nodes and counts are found here, in the judge."""

import re

import torch

from grader.judge.checks import CheckFailure, expect_close

CALLS = ("call_function", "call_method", "call_module")
ASSIGN = re.compile(r"^\s+(\w+) = ")


def _in(what):
    return f" ({what})" if what else ""


def check_graph(got, want_calls, what="", inputs=""):
    """No duplicate call, no dead call, the code matches the graph, and exactly want_calls calls remain."""
    if not isinstance(got, dict) or not got.get("is_gm"):
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        raise CheckFailure("optimize must return a torch.fx.GraphModule", f"it returned a {kind}; {inputs}")
    calls = [n for n in got["nodes"] if n["op"] in CALLS]
    seen = {}
    for n in calls:
        key = (n["op"], n["target"], n["args"], n["kwargs"])
        if key in seen:
            raise CheckFailure(f"the optimized graph still has duplicate calls{_in(what)}",
                               f"{seen[key]} and {n['name']} are both {n['op']} {n['target']}{n['args']}; {inputs}")
        seen[key] = n["name"]
    dead = [n["name"] for n in calls if n["users"] == 0]
    if dead:
        raise CheckFailure(f"the optimized graph still has calls whose result is unused{_in(what)}",
                           f"dead: {', '.join(dead)}; {inputs}")
    names = {n["name"] for n in got["nodes"]}
    assigned = {m.group(1) for line in got["code"].splitlines() for m in [ASSIGN.match(line.split(";")[0])] if m}
    if assigned - names or {n["name"] for n in calls} - assigned:
        raise CheckFailure(f"the GraphModule's code does not match its graph{_in(what)}: after changing the graph, "
                           "call gm.recompile() so that the module runs the optimized graph",
                           f"the code assigns {sorted(assigned - names)} that the graph no longer has; {inputs}")
    if len(calls) != want_calls:
        targets = sorted(n["target"] for n in calls)
        raise CheckFailure(f"the optimized graph has {len(calls)} calls{_in(what)}, expected {want_calls}: it should have "
                           "no duplicate and no dead call, and keep every distinct one", f"its calls: {targets}; {inputs}")


def check_values(got, want, what="", inputs=""):
    outs = got["outputs"]
    for i, (out, w) in enumerate(zip(outs, want)):
        if isinstance(w, tuple):
            if not isinstance(out, tuple) or len(out) != len(w):
                raise CheckFailure(f"the optimized function must return what fn returns{_in(what)}", inputs)
            for j, (o, ww) in enumerate(zip(out, w)):
                expect_close(o, ww, what=f"output {j} of the optimized function on input {i}{_in(what)}", inputs=inputs)
        else:
            expect_close(out, w, what=f"the optimized function on input {i}{_in(what)}", inputs=inputs)


def test_seed_example(learner, device):
    """optimize(f) for f = (x*y + y) + x*y keeps one mul and two adds, and computes the same values."""
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    y = torch.tensor([4.0, 5.0, 6.0], device=device)
    inputs = "f(x, y) = (x*y + y) + x*y, x = [1, 2, 3], y = [4, 5, 6]"
    got = learner.probe("report", "seed_example", [(x, y)])
    check_graph(got, 3, "", inputs)
    check_values(got, [(x * y + y) + x * y], "", inputs)
