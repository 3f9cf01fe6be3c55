"""Helpers for compile-graph-breaks. In the worker they only call the learner's functions (on functions with known
graph breaks, and compile_friendly eagerly and under torch.compile) and send back raw results (the inputs too, as
they are after the calls); the judge checks them, with the
counts from torch._dynamo.explain and the values of debug_step computed on its side (reference_explained, reference_debug_values)."""

import contextlib
import io
import logging

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


def two_args(x, y):
    z = x * y
    print("z", z.shape)
    return z + y


def three_args(x, y, z):
    w = x * y
    print("w", w.shape)
    return (w - z).cos() + z


def two_prints(x):
    a = x + 1
    print("a")
    b = a * 2
    print("b")
    return b - 1


def explicit_break(x):
    y = x.exp()
    torch._dynamo.graph_break()
    return y * 2


def print_at_end(x):
    y = x * 2
    print("y", y.shape)  # Dynamo breaks here, but nothing is left to compute after it: no second graph
    return y


def print_first(x):
    print("x", x.shape)  # Dynamo breaks here, but nothing was computed before it: no graph before the break
    return x.cos() + 1


def rank_dependent(x):
    y = x * 2
    if x.dim() > 1:  # a shape, not a value: Dynamo follows it; the print (a break) only runs for a matrix
        print("matrix", y.shape)
    return y + 1


FUNCTIONS = {"no_break": no_break, "print_break": print_break, "branch_break": branch_break,
             "item_and_print": item_and_print, "two_args": two_args, "three_args": three_args, "two_prints": two_prints,
             "explicit_break": explicit_break, "print_at_end": print_at_end, "print_first": print_first,
             "rank_dependent": rank_dependent}
# torch._dynamo.explain(fn)(*args).graph_break_count on torch 2.13, from a clean cache, for the public graders (the
# reference solution's answer; selftest grades it, so a torch that counts otherwise fails loudly). The hidden graders
# ask explain itself, in the judge (reference_explained).
BREAKS = {"no_break": 0, "print_break": 1, "branch_break": 1, "item_and_print": 2, "two_args": 1, "two_prints": 2,
          "explicit_break": 1}
ARITY = {"two_args": 2, "three_args": 3}


def arguments(name, x):
    """The arguments one of the functions above is called with: x, or x and x + 1, or x, x + 1 and x * 2."""
    return (x, x + 1, x * 2)[:ARITY.get(name, 1)]


def reference_explained(name, x):
    """The judge's side: torch._dynamo.explain's graph_break_count (graph_count - 1) for one of the functions above,
    from a clean Dynamo cache (their prints go nowhere)."""
    torch._dynamo.reset()
    quiet = logging.getLogger("torch._dynamo")  # Dynamo's graph-break warnings are the judge's business, not the learner's
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return torch._dynamo.explain(FUNCTIONS[name])(*arguments(name, x)).graph_break_count
    finally:
        quiet.setLevel(level)
        torch._dynamo.reset()


def count(mod, name, x):
    """The learner's count for one of the functions above (called with x, x and x + 1, or three tensors), from a clean
    Dynamo cache."""
    torch._dynamo.reset()
    return mod.count_graph_breaks(FUNCTIONS[name], *arguments(name, x))


def reference_debug_values(x):
    """debug_step without its print (the judge's reference)."""
    y = x * 2 + 1
    y = y.sin() if y.sum() > 0 else y.cos()
    return y * y.abs().max()


def friendly_eager(mod, inputs):
    """The learner's compile_friendly called eagerly on each input; the outputs and the inputs as they are afterwards."""
    return {"outputs": [mod.compile_friendly(x) for x in inputs], "inputs_after": list(inputs)}


def friendly_fullgraph(mod, inputs):
    """The learner's compile_friendly under torch.compile(backend="eager") with default settings, inside
    torch._dynamo.error_on_graph_break(True): any graph break raises instead of splitting the graph (unlike
    fullgraph=True, this does not switch on the capture of .item()). The error text is sent back as it is."""
    report = {}
    torch._dynamo.reset()
    compiled = torch.compile(mod.compile_friendly, backend="eager", dynamic=False)
    try:
        with torch._dynamo.error_on_graph_break(True):
            report["outputs"] = [compiled(x) for x in inputs]
        report["fullgraph_error"] = None
    except Exception as e:
        report["outputs"] = []
        report["fullgraph_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    report["inputs_after"] = list(inputs)
    torch._dynamo.reset()
    return report
