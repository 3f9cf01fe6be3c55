"""A correct solution written differently: a recursive walk of the graph, every finished node stamped with a running
counter (the earliest broken stamp wins), hooks held by contextlib.ExitStack; forward hooks that record every
(order, name, finite) triple and pick the earliest non-finite one; an output's tensors are its pytree leaves."""

import contextlib
import itertools

import torch
import torch.utils._pytree


def _all_nodes(node, seen):
    if node is None or node in seen:
        return
    seen.add(node)
    for child, _ in node.next_functions:
        _all_nodes(child, seen)


def first_nonfinite_grad(fn, *inputs):
    xs = [t.detach().clone() for t in inputs]
    for t in xs:
        t.requires_grad = True
    with torch.enable_grad():
        total = fn(*xs).sum()
    nodes = set()
    _all_nodes(total.grad_fn, nodes)
    ticks, broken = itertools.count(), []

    def make(node):
        def on_done(produced, received):
            stamp = next(ticks)
            if any(torch.is_tensor(g) and not torch.isfinite(g).all().item() for g in produced):
                broken.append((stamp, node.name()))
        return on_done

    with contextlib.ExitStack() as stack:
        for node in nodes:
            stack.callback(node.register_hook(make(node)).remove)
        total.backward()
    return min(broken)[1] if broken else None


def first_nonfinite_module(model, x):
    seen = []
    counter = itertools.count()

    def make(name):
        def after(module, args, output):
            items = torch.utils._pytree.tree_leaves(output)  # every tensor, however nested (tuples, lists, dicts)
            ok = all(torch.isfinite(t).all().item() for t in items if torch.is_tensor(t))
            seen.append((next(counter), name, ok))
        return after

    with contextlib.ExitStack() as stack:
        for name, module in model.named_modules():
            stack.callback(module.register_forward_hook(make(name)).remove)
        with torch.no_grad():
            model(x)
    bad = [(order, name) for order, name, ok in seen if not ok]
    return min(bad)[1] if bad else None
