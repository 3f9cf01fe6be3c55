"""Helpers for fix-static-graph-optimize. In the worker they only call the learner's optimize on the functions below and
send back what it returned: each node of the GraphModule's graph (op, target, arguments as text, number of users),
the Python code the GraphModule runs, and its outputs. Every check (duplicates, dead nodes, counts, values) runs in the
judge, which loads this file too for the functions themselves."""

import torch
import torch.fx
from torch.fx.node import _get_qualified_name


def seed_example(x, y):
    z = x * y
    w = z + y
    u = x * y  # the same product again
    return w + u


def nested(x, y):
    a = x.sin()
    b = x.sin()  # a duplicate of a
    c = a * y
    d = b * y  # a duplicate of c only once b is merged into a
    e = c + 1
    f = d + 1  # a duplicate of e only once d is merged into c
    return e * f + c


def dead(x, y):
    unused = torch.exp(x)
    also_unused = unused.cos()  # noqa: F841  dead, and with it the exp it uses
    t = x * 2
    never = t * y  # noqa: F841
    return t + 1


def different_arguments(x, y):
    s0 = torch.sum(x, dim=0)
    s1 = torch.sum(x, dim=1)  # same function, other keyword argument: not a duplicate
    a = x + 1
    b = x + 2  # other constant: not a duplicate
    return s0.sum() + s1.sum() + a.mean() + b.mean() + y.mean()


def constants(x, y):
    n = (x > 0).sum()
    as_int = n + 1
    as_float = n + 1.0  # 1 == 1.0 in Python, but an int64 and a float result: not a duplicate
    by_position = torch.sum(x, 0)
    by_keyword = torch.sum(x, dim=0)  # the same sum, written with a keyword argument: not a duplicate by the rule
    return as_int, as_float, by_position + by_keyword + y.mean()


def lists_and_methods(x, y):
    c1 = torch.cat([x, y])
    c2 = torch.cat([x, y])
    v1 = c1.view(-1)
    v2 = c2.view(-1)
    return v1 * v2 + torch.cat([y, x]).view(-1)


FUNCTIONS = {f.__name__: f for f in (seed_example, nested, dead, different_arguments, constants, lists_and_methods)}


def values(name, inputs):
    return [FUNCTIONS[name](*xs) for xs in inputs]


def _target(node):
    t = node.target
    if isinstance(t, str):
        return t
    try:
        return _get_qualified_name(t)
    except Exception:
        return repr(t)


def report(mod, name, inputs):
    """The learner's optimize(fn): its graph as plain data, the code it runs, and its values on the inputs."""
    gm = mod.optimize(FUNCTIONS[name])
    if not isinstance(gm, torch.fx.GraphModule):
        return {"is_gm": False, "type": type(gm).__qualname__}
    nodes = [{"name": n.name, "op": n.op, "target": _target(n), "args": repr(n.args), "kwargs": repr(n.kwargs),
              "users": len(n.users)} for n in gm.graph.nodes]
    return {"is_gm": True, "type": "GraphModule", "nodes": nodes, "code": gm.code,
            "outputs": [gm(*xs) for xs in inputs]}
