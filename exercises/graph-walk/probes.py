"""Helpers for graph-walk: build named expressions (the judge builds the same ones to know their graphs), call the
learner's functions on them in the worker and describe its answers as plain data; every comparison is the judge's."""

import torch


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def _leaf(t, grad=True):
    return t.detach().clone().requires_grad_(grad)


def _linear(x, W, b):
    lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=W.dtype, device=W.device)
    with torch.no_grad():
        lin.weight.copy_(W)
        lin.bias.copy_(b)
    return lin


def build(name, *args):
    """(output, named tensors) for one expression; names are what the judge asks about."""
    if name == "linear_sigmoid":  # 003-15: x requires grad
        x = _leaf(args[0])
        lin = _linear(x, args[1], args[2])
        return torch.sigmoid(lin(x)), {"x": x, "weight": lin.weight, "bias": lin.bias}
    if name == "frozen_input":  # 003-02: only the layer's parameters require grad
        x = _leaf(args[0], grad=False)
        lin = _linear(x, args[1], args[2])
        return lin(x), {"x": x, "weight": lin.weight, "bias": lin.bias}
    if name == "shared":  # 000-31: a appears twice
        a, b = _leaf(args[0]), _leaf(args[1])
        ab = a * b
        return (ab + a).sum(), {"a": a, "b": b, "ab": ab}
    if name == "diamond":  # y feeds the sum directly and through sin: breadth-first order lists y's node too early
        x = _leaf(args[0])
        y = x.exp()
        return y + y.sin(), {"x": x, "y": y}
    if name == "exp_twice":  # two distinct nodes with the same name
        x = _leaf(args[0])
        e1 = x.exp()
        return e1 + x.exp(), {"x": x, "e1": e1}
    if name == "reuse":  # one weight used by two matmuls
        W, x = _leaf(args[0]), _leaf(args[1], grad=False)
        h = torch.tanh(W @ x)
        return (W @ h).sum(), {"W": W, "x": x, "h": h}
    if name == "custom":
        x = _leaf(args[0])
        return Square.apply(x) + x, {"x": x}
    if name == "detached":
        x, y = _leaf(args[0]), _leaf(args[1])
        u = x * 2
        return (u.detach() * y).sum(), {"x": x, "y": y, "u": u}
    if name == "loop":  # the number of iterations, hence the graph, depends on the values
        x = _leaf(args[0])
        y, steps = x, 0
        while float(y.detach().norm()) < float(args[1]) and steps < 40:
            y = y * 1.5 + 0.1
            steps += 1
        return y.sum(), {"x": x}
    if name == "leaf":
        x = _leaf(args[0])
        return x, {"x": x}
    if name == "no_grad":
        x = _leaf(args[0])
        with torch.no_grad():
            y = x * 2
        return y, {"x": x}
    if name == "int_add":  # 001-10: integer tensors never record a node
        a, b = torch.tensor(2), torch.tensor(3)
        return a + b, {"a": a, "b": b}
    raise KeyError(name)


def describe(items, out, named):
    """The learner's list of nodes as plain data: for each entry, its class name (None if it is not a node), the
    position in the list of each of its next_functions (None where that child is None, -1 where the child is not in
    the list), the first position holding the same object, and, for an AccumulateGrad, the name of its variable.
    Plus the position of out.grad_fn. Nothing here is a reference: the judge compares this with its own graph."""
    items = list(items)
    position = {}
    for i, item in enumerate(items):
        position.setdefault(id(item), i)
    entries = []
    for i, item in enumerate(items):
        if not isinstance(item, torch.autograd.graph.Node):
            entries.append({"name": None, "same_as": position[id(item)]})
            continue
        children = [None if child is None else position.get(id(child), -1) for child, _ in item.next_functions]
        variable = getattr(item, "variable", None)
        entries.append({"name": type(item).__name__, "children": children, "same_as": position[id(item)],
                        "variable": None if variable is None else next((k for k, v in named.items() if v is variable),
                                                                       "?")})
    root = None if out.grad_fn is None else position.get(id(out.grad_fn), -1)
    return {"type": "list", "entries": entries, "root": root}


def nodes(mod, name, *args):
    out, named = build(name, *args)
    got = mod.graph_nodes(out)
    if not isinstance(got, (list, tuple)):
        return {"type": type(got).__name__}
    return describe(got, out, named)


def leaves(mod, name, *args):
    out, named = build(name, *args)
    got = mod.leaf_tensors(out)
    if not isinstance(got, (list, tuple)):
        return {"type": type(got).__name__}
    return {"type": "list", "names": [next((k for k, v in named.items() if v is t), "?") for t in got]}


def depends(mod, name, *args):
    out, named = build(name, *args)
    asked = {**named, "out": out}
    return {k: mod.depends_on(out, v) for k, v in asked.items()}
