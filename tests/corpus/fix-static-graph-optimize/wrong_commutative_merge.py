"""Wrong: treats add/mul as commutative and merges x + y with y + x (the task keeps calls that differ in any argument)."""
import torch
import torch.fx

CALLS = ("call_function", "call_method", "call_module")


import operator


def _key(node):
    args = node.args
    if node.target in (operator.add, operator.mul, torch.add, torch.mul, 'add', 'mul') and len(args) == 2:
        args = tuple(sorted(args, key=repr))
    return (node.op, node.target, repr(args), repr(dict(sorted(node.kwargs.items()))))


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
