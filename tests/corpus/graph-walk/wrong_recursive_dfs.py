"""Angle 3 (far out): recursive DFS; right on small graphs, RecursionError on a long chain (a data-dependent loop of ~1000 iterations records that many nodes), which the README allows.
"""
import torch


def graph_nodes(t):
    root = t.grad_fn
    if root is None:
        return []
    order, visited = [], set()

    def visit(node):
        visited.add(id(node))
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in visited:
                visit(nxt)
        order.append(node)

    visit(root)
    return order[::-1]


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    return [n.variable for n in graph_nodes(t) if hasattr(n, "variable")]


def depends_on(t, u):
    if u is t:
        return bool(t.requires_grad)
    nodes = graph_nodes(t)
    if u.grad_fn is not None:
        return any(n is u.grad_fn for n in nodes)
    return any(hasattr(n, "variable") and n.variable is u for n in nodes)
