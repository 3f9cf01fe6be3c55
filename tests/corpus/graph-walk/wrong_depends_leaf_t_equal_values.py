"""Wrong: when t is a leaf (no grad_fn), depends_on(t, u) compares u with t by values: a leaf equal to t (a twin in
its own storage, or a .detach().requires_grad_() copy of t) counts as t, though a backward from t computes a
gradient only for t itself."""
import torch


def graph_nodes(t):
    root = t.grad_fn
    if root is None:
        return []
    seen = {root}
    post = []
    stack = [(root, iter([c for c, _ in root.next_functions if c is not None]))]
    while stack:
        node, children = stack[-1]
        for c in children:
            if c not in seen:
                seen.add(c)
                stack.append((c, iter([d for d, _ in c.next_functions if d is not None])))
                break
        else:
            stack.pop()
            post.append(node)
    post.reverse()
    return post


def leaf_tensors(t):
    if t.grad_fn is None:
        return [t] if t.requires_grad else []
    out, ids = [], set()
    for node in graph_nodes(t):
        v = getattr(node, "variable", None)
        if v is not None and id(v) not in ids:
            ids.add(id(v))
            out.append(v)
    return out


def depends_on(t, u):
    if u is t:
        return bool(t.requires_grad)
    if t.grad_fn is None:
        return bool(t.requires_grad and u.requires_grad and u.grad_fn is None and torch.equal(u, t))
    nodes = graph_nodes(t)
    if u.grad_fn is not None:
        return any(n is u.grad_fn for n in nodes)
    return any(getattr(n, "variable", None) is u for n in nodes)
