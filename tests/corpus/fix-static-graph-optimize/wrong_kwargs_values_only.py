"""Wrong: keys keyword arguments by their values only, so torch.clamp(x, min=c) and torch.clamp(x, max=c) merge (the same values under different keyword names are different calls)."""
import torch
import torch.fx

CALLS = ("call_function", "call_method", "call_module")


def _key(node):
    return (node.op, node.target, repr(node.args), repr(sorted(node.kwargs.values(), key=repr)))


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
