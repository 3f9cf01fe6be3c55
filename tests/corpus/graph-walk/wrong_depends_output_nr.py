"""Violates: depends_on(t, u) for an intermediate u is True iff 'u's node is reachable from t.grad_fn': it also requires the edge to use u's output slot (output_nr), so for a multi-output op (unbind/split/chunk/max) where t uses a sibling output of the same node, it answers False although u's node is reachable."""
from collections import Counter, deque

import torch


def _children(node):
    return [c for c, _ in node.next_functions if c is not None]


def graph_nodes(t):
    start = t.grad_fn
    if start is None:
        return []
    # collect reachable nodes (by identity) and in-degrees counted per edge
    index = {id(start): start}
    indeg = Counter()
    todo = [start]
    while todo:
        n = todo.pop()
        for c in _children(n):
            indeg[id(c)] += 1
            if id(c) not in index:
                index[id(c)] = c
                todo.append(c)
    ready = deque([start])
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        for c in _children(n):
            indeg[id(c)] -= 1
            if indeg[id(c)] == 0:
                ready.append(c)
    return order


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    found = {}
    for n in graph_nodes(t):
        if type(n).__name__ == "AccumulateGrad":
            found.setdefault(id(n.variable), n.variable)
    return list(found.values())


def depends_on(t, u):
    if t is u:
        return t.requires_grad
    if not u.requires_grad:
        return False
    ids = {id(n) for n in graph_nodes(t)}
    if u.grad_fn is not None:
        if t.grad_fn is u.grad_fn:
            return t.output_nr == u.output_nr
        return any(c is u.grad_fn and nr == u.output_nr
                   for n in graph_nodes(t) for c, nr in n.next_functions)
    return any(v is u for v in leaf_tensors(t))
