"""Violates "the first module whose output contains NaN, inf or -inf": it looks only at a tensor output or the
top-level tensors of a tuple or list, so a NaN nested deeper (a tuple in a tuple, a dict) is missed."""

import torch


def _bad(t):
    return isinstance(t, torch.Tensor) and not bool(torch.isfinite(t).all())


def _walk(root):
    seen, order, todo = set(), [], [root]
    while todo:
        node = todo.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        order.append(node)
        todo.extend(nxt for nxt, _ in node.next_functions)
    return order


def first_nonfinite_grad(fn, *inputs):
    copies = [
        a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
        for a in inputs
    ]
    total = fn(*copies).sum()
    hits, handles = [], []

    def make(node):
        def on_run(grad_inputs, grad_outputs):
            if not hits and any(_bad(g) for g in grad_inputs if g is not None):
                hits.append(type(node).__name__)
        return on_run

    try:
        if total.grad_fn is not None:
            for node in _walk(total.grad_fn):
                handles.append(node.register_hook(make(node)))
        total.backward()
    finally:
        for h in handles:
            h.remove()
    return hits[0] if hits else None


def _flat(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            if isinstance(o, torch.Tensor):
                yield o


def first_nonfinite_module(model, x):
    culprit = []
    handles = []
    try:
        for name, mod in model.named_modules():
            def fwd(m, inp, out, name=name):
                if not culprit and any(_bad(t) for t in _flat(out)):
                    culprit.append(name)
            handles.append(mod.register_forward_hook(fwd))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return culprit[0] if culprit else None
