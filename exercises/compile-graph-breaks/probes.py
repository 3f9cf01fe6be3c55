"""Trusted helpers for compile-graph-breaks, run in the worker: functions with known graph breaks, and checks."""

import torch


def no_break(x):
    return (x.sin() * 2).sum()


def print_break(x):
    y = x * 2
    print("y", y.shape)
    return y + 1


def branch_break(x):
    if x.sum() > 0:
        return x.sin()
    return x.cos()


def item_and_print(x):
    s = x.sum().item()
    y = x * s
    print("s", s)
    return y.cos()


FUNCTIONS = {"no_break": no_break, "print_break": print_break, "branch_break": branch_break,
             "item_and_print": item_and_print}
BREAKS = {"no_break": 0, "print_break": 1, "branch_break": 1, "item_and_print": 2}


def count(mod, name, x):
    """The learner's count for one of the functions above, from a clean Dynamo cache."""
    torch._dynamo.reset()
    n = mod.count_graph_breaks(FUNCTIONS[name], x)
    return int(n) if isinstance(n, int) and not isinstance(n, bool) else repr(n)


def friendly_explain(mod, x):
    """Graphs and breaks of the learner's compile_friendly."""
    torch._dynamo.reset()
    explained = torch._dynamo.explain(mod.compile_friendly)(x)
    return {"graphs": explained.graph_count, "breaks": explained.graph_break_count,
            "reasons": [str(r.reason)[:200] for r in explained.break_reasons]}


def friendly_fullgraph(mod, inputs):
    """The learner's compile_friendly under torch.compile(fullgraph=True), on inputs of one shape."""
    report = {}
    torch._dynamo.reset()
    compiled = torch.compile(mod.compile_friendly, backend="eager", fullgraph=True, dynamic=False)
    try:
        report["outputs"] = [compiled(x) for x in inputs]
        report["fullgraph_error"] = None
    except Exception as e:  # a graph break under fullgraph=True raises: report it, the grader decides
        report["outputs"] = []
        report["fullgraph_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    torch._dynamo.reset()
    return report
