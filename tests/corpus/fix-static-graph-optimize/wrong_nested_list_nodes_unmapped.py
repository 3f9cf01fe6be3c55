"""README: 'also counting duplicates that appear only once earlier duplicates are merged'. After a merge only top-level arguments are rewired (a list argument such as torch.cat([b, y]) keeps pointing at b through a stale copy of the args): torch.cat([a, y]) and torch.cat([b, y]) are not recognised as duplicates."""
import torch
import torch.fx as fx
from torch.fx import Node

_CALLS = ("call_function", "call_method", "call_module")


def _freeze(a):
    if isinstance(a, Node):
        return ("N", a)
    if isinstance(a, (list, tuple)):
        return (type(a).__name__, tuple(_freeze(b) for b in a))
    if isinstance(a, dict):
        return ("dict", tuple(sorted((k, _freeze(v)) for k, v in a.items())))
    if isinstance(a, slice):
        return ("slice", _freeze(a.start), _freeze(a.stop), _freeze(a.step))
    return ("C", type(a).__qualname__, repr(a))


def _cse(graph):
    table = {}
    for node in list(graph.nodes):
        if node.op not in _CALLS:
            continue
        key = (node.op, _freeze(node.target) if not callable(node.target) else ("T", node.target),
               _freeze(node.args), _freeze(dict(node.kwargs)))
        first = table.get(key)
        if first is None:
            table[key] = node
        else:
            for u in list(node.users):
                u.args = tuple(first if x is node else x for x in u.args)
                u.kwargs = {k: (first if v is node else v) for k, v in u.kwargs.items()}
            if not node.users:
                graph.erase_node(node)


def _dce(graph):
    changed = True
    while changed:
        changed = False
        for node in reversed(list(graph.nodes)):
            if node.op in _CALLS and not node.users:
                graph.erase_node(node)
                changed = True


def optimize(fn):
    gm = fx.symbolic_trace(fn)
    _cse(gm.graph)
    _dce(gm.graph)
    gm.graph.lint()
    gm.recompile()
    return gm
