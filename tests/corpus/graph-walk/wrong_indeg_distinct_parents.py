"""WRONG: Kahn's sort with one in-degree per distinct parent (a set of children), but one decrement per edge. x * x
lists x's node twice in MulBackward0.next_functions, so x's node is released as soon as the product is processed,
before a longer chain that also leads to x: it is listed before a node whose next_functions hold it."""
import torch


def _reachable(root):
    seen, stack = {}, [root]
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen[n] = True
        stack.extend(c for c, _ in n.next_functions)
    return list(seen)


def graph_nodes(t):
    """A different algorithm: Kahn's topological sort on in-degrees (one count per edge)."""
    root = t.grad_fn
    if root is None:
        return []
    nodes = _reachable(root)
    indeg = {n: 0 for n in nodes}
    for n in nodes:
        for c in {c for c, _ in n.next_functions}:
            if c is not None:
                indeg[c] += 1
    ready = [n for n in nodes if indeg[n] == 0]
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for c, _ in n.next_functions:
            if c is None:
                continue
            indeg[c] -= 1
            if indeg[c] == 0:
                ready.append(c)
    return order


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    out, ids = [], set()
    for n in graph_nodes(t):
        v = getattr(n, "variable", None)
        if v is not None and id(v) not in ids:
            ids.add(id(v))
            out.append(v)
    return out


def depends_on(t, u):
    if not u.requires_grad:
        return False
    if u is t:
        return True
    nodes = graph_nodes(t)
    if u.grad_fn is not None:
        return any(n is u.grad_fn for n in nodes)
    return any(getattr(n, "variable", None) is u for n in nodes)
