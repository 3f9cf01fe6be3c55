"""Returns the nodes' names instead of the node objects (and a leaf is never its own leaf)."""

import torch

def graph_nodes(t):
    """Every backward node reachable from t.grad_fn, each exactly once, in a topological order:
    a node comes before every node in its next_functions. [] when t has no grad_fn."""
    order, seen = [], set()

    def visit(node):  # post-order DFS; reversed, it is a topological order
        if node is None or node in seen:
            return
        seen.add(node)
        for child, _ in node.next_functions:
            visit(child)
        order.append(node)

    visit(t.grad_fn)
    return [type(n).__name__ for n in order[::-1]]


def leaf_tensors(t):
    """The tensors whose .grad a backward from t would fill, each once: t itself if it is a leaf that
    requires grad, otherwise the .variable of every AccumulateGrad node reachable from t.grad_fn."""
    found, stack, seen = [], [t.grad_fn], set()
    while stack:
        n = stack.pop()
        if n is None or n in seen:
            continue
        seen.add(n)
        if hasattr(n, 'variable'):
            found.append(n.variable)
        stack.extend(c for c, _ in n.next_functions)
    return found


def depends_on(t, u):
    """True iff a backward from t computes a gradient for u (a leaf or an intermediate tensor)."""
    if not u.requires_grad:
        return False
    if u is t:
        return True
    if u.grad_fn is None:  # a leaf: look for its AccumulateGrad node
        return any(v is u for v in leaf_tensors(t))
    return type(u.grad_fn).__name__ in graph_nodes(t)
