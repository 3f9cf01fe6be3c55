"""Right (seed reader, from the Chinese README): the seed talks of 'sharing' and 'simplification'; this keeps those two
named passes: sharing is value numbering (each node gets the number of its canonical node; a call's key uses its
arguments' numbers, so merges cascade), simplification removes unused calls repeatedly from the end backwards."""
import torch
import torch.fx


def share(graph):
    number = {}
    table = {}

    def num(a):
        if isinstance(a, torch.fx.Node):
            return ("v", number[a])
        if isinstance(a, (list, tuple)):
            return (type(a).__name__,) + tuple(num(x) for x in a)
        return ("c", type(a).__name__, repr(a))

    for i, node in enumerate(list(graph.nodes)):
        if node.op in ("call_function", "call_method", "call_module"):
            key = (node.op, repr(node.target), num(node.args),
                   tuple(sorted((k, num(v)) for k, v in node.kwargs.items())))
            if key in table:
                keep = table[key]
                node.replace_all_uses_with(keep)
                graph.erase_node(node)
                continue
            table[key] = node
        number[node] = i


def simplify(graph):
    changed = True
    while changed:
        changed = False
        for node in reversed(list(graph.nodes)):
            if node.op in ("call_function", "call_method", "call_module") and len(node.users) == 0:
                graph.erase_node(node)
                changed = True


def optimize(fn):
    static_graph = torch.fx.symbolic_trace(fn)
    share(static_graph.graph)
    simplify(static_graph.graph)
    static_graph.recompile()
    return static_graph
