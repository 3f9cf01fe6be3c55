"""Removes unused calls in one forward pass of its own: a call used only by another unused call survives."""
import torch
import torch.fx


def optimize(fn):
    gm = torch.fx.symbolic_trace(fn)
    graph = gm.graph
    seen = {}
    for node in list(graph.nodes):
        if node.op not in ("call_function", "call_method", "call_module"):
            continue
        key = (node.op, node.target, repr(node.args), repr(node.kwargs))
        if key in seen:
            node.replace_all_uses_with(seen[key])
            graph.erase_node(node)
        else:
            seen[key] = node
    for node in list(graph.nodes):
        if node.op in ("call_function", "call_method", "call_module") and not node.users:
            graph.erase_node(node)
    gm.recompile()
    return gm
