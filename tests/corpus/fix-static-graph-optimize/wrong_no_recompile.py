"""Merges duplicates and removes dead nodes in the graph but never calls gm.recompile(): the module still runs the
code generated for the original graph."""
import torch
import torch.fx


def optimize(fn):
    gm = torch.fx.symbolic_trace(fn)
    seen = {}
    for node in list(gm.graph.nodes):
        if node.op not in ("call_function", "call_method", "call_module"):
            continue
        key = (node.op, node.target, repr(node.args), repr(node.kwargs))
        if key in seen:
            node.replace_all_uses_with(seen[key])
            gm.graph.erase_node(node)
        else:
            seen[key] = node
    gm.graph.eliminate_dead_code()
    return gm
