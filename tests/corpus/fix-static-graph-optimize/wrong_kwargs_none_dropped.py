"""Violates: 'calls that differ in any argument or keyword argument are all kept'. kwargs whose value is None are dropped from the key as 'defaults', so torch.sum(x, 0) and torch.sum(x, 0, dtype=None) are merged."""
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
        key = (node.op, node.target, _canon(node.args), _canon({k: v for k, v in node.kwargs.items() if v is not None}))
        first = table.setdefault(key, node)
        if first is not node:
            node.replace_all_uses_with(first)
    g.eliminate_dead_code()
    return fx.GraphModule(gm, g)
