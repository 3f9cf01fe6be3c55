"""Angle 5. Breaks "same op, target, arguments": for call_method nodes keys on (op, target, first argument) only, so
x.sum(0) and x.sum(1) merge."""

import torch
import torch.fx


CALLS = ("call_function", "call_method", "call_module")


def _key(node):
    if node.op == 'call_method':
        return (node.op, node.target, repr(node.args[:1]))
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
    gm.recompile()
    return gm
