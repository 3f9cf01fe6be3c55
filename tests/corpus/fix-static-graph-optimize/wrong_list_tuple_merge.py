"""Violates: 'calls that differ in any argument ... are all kept'. Lists and tuples are frozen alike (no type tag), so torch.cat([a, b]) and torch.cat((a, b)) (or x.view([2, 3]) and x.view((2, 3))) are merged."""
import torch
import torch.fx as fx

CALLS = frozenset({"call_function", "call_method", "call_module"})


def _canon(a):
    if isinstance(a, fx.Node):
        return ("N", a.name)
    if isinstance(a, (list, tuple)):
        return ("seq",) + tuple(_canon(v) for v in a)
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
    return fx.GraphModule(gm, g)
