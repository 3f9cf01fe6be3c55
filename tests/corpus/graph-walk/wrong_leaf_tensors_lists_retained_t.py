"""Breaks: "the leaf tensors whose .grad a backward from t would fill (a non-leaf told to keep its .grad with retain_grad(), t included, is not one of them)". How: lists t when t.retains_grad."""
"""Reference solution for graph-walk (seeds 000-31, 003-02, 003-15, 001-10)."""

# %%
import torch


# %% [markdown]
# Every operation on a tensor that requires grad records a backward *node* (`t.grad_fn`).
# A node points to the nodes of its **inputs** through `node.next_functions`, a tuple of
# `(node_or_None, index)` pairs; a leaf tensor that requires grad appears there as an
# `AccumulateGrad` node whose `.variable` is the leaf. So the dependencies point from an
# output back to what it was computed from, which is the direction backward walks (the seed
# says each node lists the nodes that depend on it: the reverse). `None` marks an input
# that needs no gradient. Tensors with `grad_fn is None` are leaves, or were computed
# without grad (integer tensors, `torch.no_grad()`, `.detach()`).
#
# The graph is rebuilt on every forward pass, so its size can depend on the data: a
# Python loop that runs k times records k copies of its body.

# %%
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
    return order[::-1]


def leaf_tensors(t):
    """The tensors whose .grad a backward from t would fill, each once: t itself if it is a leaf that
    requires grad, otherwise the .variable of every AccumulateGrad node reachable from t.grad_fn."""
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    found = [node.variable for node in graph_nodes(t) if hasattr(node, "variable")]
    return ([t] if t.retains_grad else []) + found  # backward fills t.grad too


def depends_on(t, u):
    """True iff a backward from t computes a gradient for u (a leaf or an intermediate tensor)."""
    if not u.requires_grad:
        return False
    if u is t:
        return True
    if u.grad_fn is None:  # a leaf: look for its AccumulateGrad node
        return any(v is u for v in leaf_tensors(t))
    return u.grad_fn in set(graph_nodes(t))
