"""Keys CSE on the argument values themselves (lists turned into tuples): 1 == 1.0 in Python, so n + 1 and n + 1.0
are merged although one is an int64 tensor and the other a float one."""
import torch
import torch.fx


def _freeze(a):
    if isinstance(a, (list, tuple)):
        return tuple(_freeze(v) for v in a)
    if isinstance(a, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in a.items()))
    return a


def optimize(fn):
    gm = torch.fx.symbolic_trace(fn)
    seen = {}
    for node in list(gm.graph.nodes):
        if node.op not in ("call_function", "call_method", "call_module"):
            continue
        key = (node.op, node.target, _freeze(node.args), _freeze(node.kwargs))
        if key in seen:
            node.replace_all_uses_with(seen[key])
            gm.graph.erase_node(node)
        else:
            seen[key] = node
    gm.graph.eliminate_dead_code()
    gm.recompile()
    return gm
