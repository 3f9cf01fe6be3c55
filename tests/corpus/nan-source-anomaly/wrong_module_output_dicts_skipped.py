"""Violates "the first module whose output contains NaN, inf or -inf": it walks nested tuples and lists but not
dicts, so a NaN inside a dict output is missed."""

import torch


def first_nonfinite_grad(fn, *inputs):
    """Run fn(*inputs).sum().backward() on copies of the inputs that require grad; return the class name of the first
    backward node, in the order backward runs them, whose computed gradients hold a NaN or an inf, or None."""
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    with torch.enable_grad():
        loss = fn(*leaves).sum()
    found, handles, seen, stack = [], [], set(), [loss.grad_fn]

    def watch(node):
        def hook(grad_inputs, grad_outputs):
            if not found and any(g is not None and not bool(torch.isfinite(g).all()) for g in grad_inputs):
                found.append(type(node).__name__)
        return hook

    try:
        while stack:  # every node of the graph, each once
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)
            handles.append(node.register_hook(watch(node)))
            stack.extend(child for child, _ in node.next_functions)
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None


def first_nonfinite_module(model, x):
    """The name (as in model.named_modules()) of the first module whose output contains NaN or inf when model(x)
    runs, in the order the outputs are produced (a child before its parent; "" for the model itself), or None.
    Every hook it registers is removed before it returns."""
    found = []

    def tensors(output):  # every tensor of an output, however nested (an LSTM's (out, (h, c)), dicts of lists...)
        if isinstance(output, torch.Tensor):
            yield output
        elif isinstance(output, (tuple, list)):
            for o in output:
                yield from tensors(o)

    def watch(name):
        def hook(module, args, output):
            if not found and any(not bool(torch.isfinite(t).all()) for t in tensors(output)):
                found.append(name)
        return hook

    handles = [m.register_forward_hook(watch(name)) for name, m in model.named_modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
