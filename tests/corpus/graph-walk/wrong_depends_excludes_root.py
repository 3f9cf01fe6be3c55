"""README: depends_on(t, u) is True iff (u is t and requires grad) or u's node is reachable from t.grad_fn (t.grad_fn itself included). The search starts at t.grad_fn's next_functions: a tensor u that shares t's node (the other output of unbind/split/topk/a custom Function, e.g. a, b = x.unbind(); depends_on(a, b)) is answered False."""
import torch


def _children(node):
    return [nxt for nxt, _ in node.next_functions if nxt is not None]


def graph_nodes(t):
    root = t.grad_fn
    if root is None:
        return []
    seen = set()
    post = []
    stack = [(root, iter(_children(root)))]
    seen.add(id(root))
    keep = [root]
    while stack:
        node, it = stack[-1]
        for c in it:
            if id(c) not in seen:
                seen.add(id(c))
                keep.append(c)
                stack.append((c, iter(_children(c))))
                break
        else:
            stack.pop()
            post.append(node)
    post.reverse()
    return post


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    found, ids = [], set()
    for n in graph_nodes(t):
        v = getattr(n, "variable", None)
        if v is not None and id(v) not in ids:
            ids.add(id(v))
            found.append(v)
    return found


def depends_on(t, u):
    if u is t:
        return bool(t.requires_grad)
    nodes = graph_nodes(t)[1:]
    if u.grad_fn is not None:
        return any(n is u.grad_fn for n in nodes)
    return any(getattr(n, "variable", None) is u for n in nodes)
