"""Trusted helpers for graph-walk, run in the worker: build named expressions, then map the learner's answers
to indices in a trusted enumeration of the graph (the judge compares them)."""

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


def enumerate_graph(out):
    """A trusted list of the graph's nodes and its edges (i -> j: node j is in node i's next_functions)."""
    nodes, index = [], {}

    def visit(node):
        if node is None or node in index:
            return
        index[node] = len(nodes)
        nodes.append(node)
        for child, _ in node.next_functions:
            visit(child)

    visit(out.grad_fn)
    edges = [[index[n], index[c]] for n in nodes for c, _ in n.next_functions if c is not None]
    return nodes, index, edges


def nodes(mod, name, *args):
    out, _ = build(name, *args)
    trusted, index, edges = enumerate_graph(out)
    got = mod.graph_nodes(out)
    if not isinstance(got, (list, tuple)):
        return {"type": type(got).__name__}
    return {"type": "list", "indices": [index.get(n, -1) if isinstance(n, torch.autograd.graph.Node) else -2
                                        for n in got],
            "names": [type(n).__name__ for n in trusted], "edges": edges, "n": len(trusted)}


def leaves(mod, name, *args):
    out, named = build(name, *args)
    got = mod.leaf_tensors(out)
    if not isinstance(got, (list, tuple)):
        return {"type": type(got).__name__}
    return {"type": "list", "names": [next((k for k, v in named.items() if v is t), "?") for t in got]}


def depends(mod, name, *args):
    out, named = build(name, *args)
    return {k: mod.depends_on(out, v) for k, v in named.items()}
