"""Violates: 'returns a GraphModule that computes the same values as fn'. Dead-code elimination also erases unused placeholders, so for fn(x, y) that ignores y the module's signature becomes forward(x) and gm(x, y) raises TypeError."""
import torch
import torch.fx as fx

CALLS = frozenset({"call_function", "call_method", "call_module"})


def _canon(a):
    if isinstance(a, fx.Node):
        return ("N", a.name)
    if isinstance(a, (list, tuple)):
        return (type(a).__name__,) + tuple(_canon(v) for v in a)
    if isinstance(a, dict):
        return ("dict",) + tuple(sorted((k, _canon(v)) for k, v in a.items()))
    if isinstance(a, slice):
        return ("slice", _canon(a.start), _canon(a.stop), _canon(a.step))
    return (type(a).__qualname__, repr(a))


def optimize(fn):
    gm = fx.symbolic_trace(fn)
    g = gm.graph
    table = {}
    for node in g.nodes:
        if node.op not in CALLS:
            continue
        # node.args already reflect earlier merges (replace_all_uses_with rewrites users in place)
        key = (node.op, node.target, _canon(node.args), _canon(node.kwargs))
        first = table.setdefault(key, node)
        if first is not node:
            node.replace_all_uses_with(first)
    g.eliminate_dead_code()
    for n in list(g.nodes):
        if n.op == 'placeholder' and not n.users:
            g.erase_node(n)
    return fx.GraphModule(gm, g)
