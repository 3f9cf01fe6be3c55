"""CSE keyed on node names of the (already rewritten) arguments; its own dead-code loop run backwards until nothing
changes; a fresh GraphModule built from the rewritten graph instead of recompile()."""
import torch
import torch.fx

CALL_OPS = {"call_function", "call_method", "call_module"}


def _sig(obj):
    if isinstance(obj, torch.fx.Node):
        return "%" + obj.name
    if isinstance(obj, (list, tuple)):
        return type(obj).__name__ + "(" + ",".join(_sig(o) for o in obj) + ")"
    if isinstance(obj, dict):
        return "{" + ",".join(f"{k}:{_sig(v)}" for k, v in sorted(obj.items())) + "}"
    return type(obj).__name__ + ":" + repr(obj)


def optimize(fn):
    traced = torch.fx.symbolic_trace(fn)
    g = traced.graph
    first = {}
    for n in list(g.nodes):
        if n.op in CALL_OPS:
            k = (n.op, str(n.target) if isinstance(n.target, str) else id(n.target), _sig(n.args), _sig(n.kwargs))
            if k in first:
                n.replace_all_uses_with(first[k])
                g.erase_node(n)
            else:
                first[k] = n
    changed = True
    while changed:
        changed = False
        for n in reversed(list(g.nodes)):
            if n.op in CALL_OPS and len(n.users) == 0:
                g.erase_node(n)
                changed = True
    return torch.fx.GraphModule(traced, g)
