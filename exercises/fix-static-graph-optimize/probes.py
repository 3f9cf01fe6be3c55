"""Helpers for fix-static-graph-optimize, run in the worker and (a trusted copy) in the judge.

Every function handed to the learner's optimize is drawn per run: the judge draws a *spec* (plain data: a list of
operations with argument indices and constants), and `build(spec)` turns it into a pure function fn(x, y), the same
code for every spec, so neither fn's code nor its name says what the optimized graph should be. In the worker the
probe only calls the learner's optimize on it and sends back what it returned: each node of the GraphModule's graph
(op, target, arguments as text, number of users), the Python code the GraphModule runs, and its outputs. Every check
(duplicates, dead nodes, counts, values) runs in the judge, which builds the same function from the same spec."""

import torch
import torch.fx
from torch.fx.node import _get_qualified_name

# name: number of value arguments (then constants)
OPS = {"sin": 1, "tanh": 1, "cos_method": 1, "exp_method": 1, "count": 1, "sum_pos": 1, "sum_kw": 1, "addc": 1,
       "mulc": 1, "add": 2, "mul": 2, "sub": 2, "cat": 2,
       # the argument forms: keyword arguments in the other order, an explicit None keyword, a tuple, x.shape
       "sum_kw_swap": 1, "sum_pos_none": 1, "cat_tuple": 2, "reshape_shape": 1,
       # an index with slices (x[:, :]): its arguments hold slice objects, which Python 3.11 cannot hash
       "slice_all": 1,
       # the same constant under two keyword names: torch.clamp(x, min=c) and torch.clamp(x, max=c)
       "clamp_min": 1, "clamp_max": 1,
       # a method call with a constant after the tensor: x.sum(0, keepdim=True) and x.sum(1, keepdim=True) differ
       "sum_method": 1}


def build(spec):
    """The pure function spec describes, fn(x, y): values 0 and 1 are x and y, each operation appends one value; it
    returns the value spec["out"] names, or a tuple of them. With spec["unused_input"], fn(x, y, w) ignores w."""
    ops = [list(op) for op in spec["ops"]]
    out = spec["out"]

    def fn(x, y):
        v = [x, y]
        for op in ops:
            name, k = op[0], OPS[op[0]]
            a = [v[i] for i in op[1:1 + k]]
            c = op[1 + k:]
            if name == "sin":
                r = torch.sin(a[0])
            elif name == "tanh":
                r = torch.tanh(a[0])
            elif name == "cos_method":
                r = a[0].cos()
            elif name == "exp_method":
                r = a[0].exp()
            elif name == "count":
                r = (a[0] > 0).sum()
            elif name == "sum_pos":
                r = torch.sum(a[0], c[0], keepdim=True)
            elif name == "sum_kw":
                r = torch.sum(a[0], dim=c[0], keepdim=True)
            elif name == "sum_kw_swap":
                r = torch.sum(a[0], keepdim=True, dim=c[0])
            elif name == "sum_pos_none":
                r = torch.sum(a[0], c[0], keepdim=True, dtype=None)
            elif name == "cat_tuple":
                r = torch.cat((a[0], a[1])).sum(0, keepdim=True)
            elif name == "reshape_shape":
                r = a[0].reshape(a[0].shape)
            elif name == "slice_all":
                r = a[0][:, :]
            elif name == "clamp_min":
                r = torch.clamp(a[0], min=c[0])
            elif name == "clamp_max":
                r = torch.clamp(a[0], max=c[0])
            elif name == "sum_method":
                r = a[0].sum(c[0], keepdim=True)
            elif name == "addc":
                r = a[0] + c[0]
            elif name == "mulc":
                r = a[0] * c[0]
            elif name == "add":
                r = a[0] + a[1]
            elif name == "mul":
                r = a[0] * a[1]
            elif name == "sub":
                r = a[0] - a[1]
            else:  # cat
                r = torch.cat([a[0], a[1]]).sum(0, keepdim=True)
            v.append(r)
        return tuple(v[i] for i in out) if isinstance(out, list) else v[out]

    if spec.get("unused_input"):
        def fn3(x, y, w):
            return fn(x, y)

        return fn3
    return fn


def _target(node):
    t = node.target
    if isinstance(t, str):
        return t
    try:
        return _get_qualified_name(t)
    except Exception:
        return repr(t)


def report(mod, spec, inputs):
    """The learner's optimize(fn) for the function spec describes: its graph as plain data, the code it runs, and its
    values on the inputs."""
    return _describe(mod.optimize(build(spec)), inputs)


def report_first_of_two(mod, spec, other, inputs):
    """optimize(fn) for spec, then optimize of another function, then the first GraphModule described as report()
    does: a module optimize returned must not change when optimize runs again (one module reused for every call)."""
    gm = mod.optimize(build(spec))
    mod.optimize(build(other))
    return _describe(gm, inputs)


def _describe(gm, inputs):
    if not isinstance(gm, torch.fx.GraphModule):
        return {"is_gm": False, "type": type(gm).__qualname__}
    nodes = [{"name": n.name, "op": n.op, "target": _target(n), "args": repr(n.args), "kwargs": repr(n.kwargs),
              "users": len(n.users)} for n in gm.graph.nodes]
    return {"is_gm": True, "type": "GraphModule", "nodes": nodes, "code": gm.code,
            "outputs": [gm(*xs) for xs in inputs]}
