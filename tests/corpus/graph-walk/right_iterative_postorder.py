"""A correct solution written differently: an iterative post-order walk with an explicit stack (no recursion limit),
leaves found by their .variable attribute on AccumulateGrad nodes checked by class name, and depends_on on node
identity sets."""

import torch


def graph_nodes(t):
    root = t.grad_fn
    if root is None:
        return []
    done, entered, post = set(), set(), []
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            if node not in done:
                done.add(node)
                post.append(node)
            continue
        if node in entered:
            continue
        entered.add(node)
        stack.append((node, True))
        for child, _ in reversed(node.next_functions):
            if child is not None and child not in entered:
                stack.append((child, False))
    post.reverse()
    return post


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    found = []
    for node in graph_nodes(t):
        if type(node).__name__ == "AccumulateGrad":
            found.append(node.variable)
    return found


def depends_on(t, u):
    if not u.requires_grad:
        return False
    if t is u:
        return True
    if u.is_leaf:
        return any(leaf is u for leaf in leaf_tensors(t))
    return any(node is u.grad_fn for node in graph_nodes(t))
