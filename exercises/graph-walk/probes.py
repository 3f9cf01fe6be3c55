"""Helpers for graph-walk, run in the worker and (a trusted copy) in the judge.

Every graph is drawn per run: the judge draws a *spec* (plain data: a list of steps, each a leaf with its value and
whether it requires grad, or an operation on earlier values), the probe builds the expression from it with the one
builder below and hands its output to the learner, and the judge builds the same expression from the same spec and
walks its own copy. No case has a name, no code object differs between cases, and the probe never holds an answer:
it describes what the learner returned as positions in the list of values the spec builds (the judge builds the
same list), and every comparison is the judge's."""

import torch
import torch.nn.functional as F
from grader import drive


class Square(torch.autograd.Function):
    """x * x as a custom Function (its node is a SquareBackward)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def _step(step, v, device, parts):
    name, a = step[0], step[1:]
    if name == "leaf":  # ["leaf", value, requires_grad]
        return a[0].detach().to(device).clone().requires_grad_(bool(a[1]))
    x = v[a[0]]
    if name == "exp":
        return x.exp()
    if name == "sin":
        return torch.sin(x)
    if name == "tanh":
        return x.tanh()
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "square":
        return Square.apply(x)
    if name == "scale":
        return x * a[1]
    if name == "view":
        return x.view(x.shape)
    if name == "t":
        return x.t()
    if name == "sum":
        return x.sum()
    if name == "detach":
        return x.detach()
    if name == "retain":  # a non-leaf told to keep its .grad: the same tensor, not a leaf for all that
        x.retain_grad()
        return x
    if name == "regrad":  # a new leaf that requires grad, cut from x's graph
        return x.detach().requires_grad_(True)
    if name == "nograd":
        with drive.grad_mode(False):
            return x * a[1]
    if name == "unbind":  # ["unbind", x, k]: output k of one x.unbind(0) shared by every such step on x
        return parts.setdefault(a[0], x.unbind(0))[a[1]]
    if name == "chain":  # ["chain", x, k]: k multiplications in a row, a graph k nodes deep
        y = x
        for _ in range(int(a[1])):
            y = y * 0.999
        return y
    if name == "loop":  # the number of iterations, hence the graph, depends on the values
        y, steps = x, 0
        while float(y.detach().norm()) < float(a[1]) and steps < 40:
            y = y * 1.5 + 0.1
            steps += 1
        return y
    y = v[a[1]]
    if name == "add":
        return x + y
    if name == "sub":
        return x - y
    if name == "mul":
        return x * y
    if name == "matmul":
        return x @ y
    if name == "linear":  # ["linear", x, weight, bias or -1]
        return F.linear(x, y, None if a[2] < 0 else v[a[2]])
    raise KeyError(name)


def build(spec, device="cpu"):
    """(output, values): every value the spec's steps make, in order, and the one it names as the output."""
    v, parts = [], {}
    for step in spec["steps"]:
        v.append(_step(step, v, device, parts))
    return v[spec.get("out", -1)], v


def _built(spec, device, backward):
    """build(), then with `backward` one backward from the output (graph kept) so that the leaves already hold a
    .grad when the learner walks the graph."""
    out, values = build(spec, device)
    if backward and out.requires_grad:
        out.backward(torch.ones_like(out), retain_graph=True)
    return out, values


def _position(values, x):
    return next((i for i, y in enumerate(values) if y is x), -1)


def describe(items, out, values):
    """The learner's list of nodes as plain data: for each entry, its class name (None if it is not a node), the
    position in the list of each of its next_functions (None where that child is None, -1 where the child is not in
    the list), the first position holding the same object, and, for an AccumulateGrad, the position of its variable
    among the spec's values (-1 if none). Plus the position of out.grad_fn. Nothing here is a reference: the judge
    compares this with its own graph."""
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
                        "variable": None if variable is None else _position(values, variable)})
    root = None if out.grad_fn is None else position.get(id(out.grad_fn), -1)
    return {"type": "list", "entries": entries, "root": root}


def nodes(mod, spec, device="cpu", backward=False):
    out, values = _built(spec, device, backward)
    got = mod.graph_nodes(out)
    if not isinstance(got, list):  # the contract says a list: a tuple or a generator is reported as what it is
        return {"type": type(got).__name__}
    return describe(got, out, values)


def leaves(mod, spec, device="cpu", backward=False):
    """Each tensor the learner returned as its position among the spec's values (-1: a tensor that is none of them,
    -2: not a tensor)."""
    out, values = _built(spec, device, backward)
    got = mod.leaf_tensors(out)
    if not isinstance(got, list):  # the contract says a list
        return {"type": type(got).__name__}
    return {"type": "list", "items": [_position(values, t) if isinstance(t, torch.Tensor) else -2 for t in got]}


def depends(mod, spec, device="cpu", asked=(), backward=False):
    """depends_on(out, u) for u the spec's values at the positions asked (a bool, or the type name of what came)."""
    out, values = _built(spec, device, backward)
    found = []
    for i in asked:
        got = mod.depends_on(out, values[i])
        found.append(got if isinstance(got, bool) else type(got).__name__)
    return found
