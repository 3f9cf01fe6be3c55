"""Keeps the None entries of next_functions (inputs that need no gradient) in the list."""

import torch

def graph_nodes(t):
    """Every backward node reachable from t.grad_fn, each exactly once, in a topological order:
    a node comes before every node in its next_functions. [] when t has no grad_fn."""
    order, seen = [], set()

    def visit(node):  # post-order DFS; reversed, it is a topological order
        if node in seen:
            return
        seen.add(node)
        if node is not None:
            for child, _ in node.next_functions:
                visit(child)
        order.append(node)

    visit(t.grad_fn)
    return order[::-1]


def leaf_tensors(t):
    """The tensors whose .grad a backward from t would fill, each once: t itself if it is a leaf that
    requires grad, otherwise the .variable of every AccumulateGrad node reachable from t.grad_fn."""
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    return [node.variable for node in graph_nodes(t) if node is not None and hasattr(node, "variable")]


def depends_on(t, u):
    """True iff a backward from t computes a gradient for u (a leaf or an intermediate tensor)."""
    if not u.requires_grad:
        return False
    if u is t:
        return True
    if u.grad_fn is None:  # a leaf: look for its AccumulateGrad node
        return any(v is u for v in leaf_tensors(t))
    return u.grad_fn in set(n for n in graph_nodes(t) if n is not None)
