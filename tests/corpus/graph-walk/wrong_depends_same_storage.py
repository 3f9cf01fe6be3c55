"""Violates "depends_on(t, u) -> bool: True iff a backward from t would compute a gradient for u": for a leaf u it
compares storage (data_ptr) with each leaf of t, so u = w.detach().requires_grad_(), another leaf on w's memory,
counts."""
import torch


def graph_nodes(t):
    root = t.grad_fn
    if root is None:
        return []
    order = []
    seen = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in seen:
                stack.append((nxt, False))
    order.reverse()
    return order


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    out = []
    seen = set()
    for node in graph_nodes(t):
        if hasattr(node, "variable"):
            v = node.variable
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def depends_on(t, u):
    if u is t:
        return bool(t.requires_grad)
    if not u.requires_grad:
        return False
    target = u.grad_fn
    if target is None:
        return any(x.data_ptr() == u.data_ptr() for x in leaf_tensors(t))
    return any(n is target for n in graph_nodes(t))
