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
    ### BEGIN SOLUTION
    if t.grad_fn is None:
        return []
    # post-order DFS (a node after all of its children); reversed, it is a topological order. An explicit stack,
    # not recursion: a loop of k steps records a chain k nodes deep, past Python's recursion limit for k ~ 1000
    order, seen = [], {t.grad_fn}
    stack = [(t.grad_fn, iter(t.grad_fn.next_functions))]
    while stack:
        node, children = stack[-1]
        for child, _ in children:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append((child, iter(child.next_functions)))
                break
        else:  # every child done
            stack.pop()
            order.append(node)
    return order[::-1]
    ### END SOLUTION


def leaf_tensors(t):
    """The tensors whose .grad a backward from t would fill, each once: t itself if it is a leaf that
    requires grad, otherwise the .variable of every AccumulateGrad node reachable from t.grad_fn."""
    ### BEGIN SOLUTION
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    return [node.variable for node in graph_nodes(t) if hasattr(node, "variable")]
    ### END SOLUTION


def depends_on(t, u):
    """True iff a backward from t computes a gradient for u (a leaf or an intermediate tensor)."""
    ### BEGIN SOLUTION
    if not u.requires_grad:
        return False
    if u is t:
        return True
    if u.grad_fn is None:  # a leaf: look for its AccumulateGrad node
        return any(v is u for v in leaf_tensors(t))
    return u.grad_fn in set(graph_nodes(t))
    ### END SOLUTION
