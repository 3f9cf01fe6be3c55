"""README: 'no two call nodes have the same op, target, arguments and keyword arguments'. Keys are the raw args in a dict; a slice (x[:, 0], x[1:]) is unhashable in Python 3.11, so such nodes are caught with try/except TypeError and skipped: duplicate getitem calls with slices are never merged."""
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
        try:
            hash((node.args, tuple(node.kwargs.items())))
        except TypeError:
            continue
        first = table.get(key)
        if first is None:
            table[key] = node
        else:
            node.replace_all_uses_with(first)
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
