"""Angle 3 (returning an internal object that later calls change). Breaks "returns a GraphModule that computes the same
values as fn": optimizes into one module-level GraphModule whose graph is replaced on every call, so an earlier
result starts running the later function."""

import torch
import torch.fx


_SHARED = None
CALLS = ("call_function", "call_method", "call_module")


def _key(node):
    return (node.op, node.target, repr(node.args), repr(sorted(node.kwargs.items())))


def optimize(fn):
    gm = torch.fx.symbolic_trace(fn)
    graph = gm.graph
    seen = {}
    for node in list(graph.nodes):
        if node.op not in CALLS:
            continue
        key = _key(node)
        if key in seen:
            node.replace_all_uses_with(seen[key])
            graph.erase_node(node)
        else:
            seen[key] = node
    graph.eliminate_dead_code()
    global _SHARED
    if _SHARED is None:
        _SHARED = gm
    else:
        _SHARED.graph = graph
    _SHARED.recompile()
    return _SHARED
