"""A correct solution written differently: count each node's dependencies first, then release nodes whose count
reaches zero (Kahn's algorithm, which is how the autograd engine orders a backward pass)."""

import torch


def _reachable(root):
    seen, stack = {}, [root]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen[node] = True
        stack.extend(child for child, _ in node.next_functions)
    return list(seen)


def graph_nodes(t):
    if t.grad_fn is None:
        return []
    nodes = _reachable(t.grad_fn)
    pending = {n: 0 for n in nodes}
    for n in nodes:
        for child, _ in n.next_functions:
            if child is not None:
                pending[child] += 1
    ready, order = [t.grad_fn], []
    while ready:
        n = ready.pop()
        order.append(n)
        for child, _ in n.next_functions:
            if child is not None:
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(child)
    return order


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    out = []
    for n in graph_nodes(t):
        if type(n).__name__ == "AccumulateGrad":
            out.append(n.variable)
    return out


def depends_on(t, u):
    if not u.requires_grad:
        return False
    if t is u:
        return True
    if u.is_leaf:
        return any(v is u for v in leaf_tensors(t))
    return any(n is u.grad_fn for n in graph_nodes(t))
