"""WRONG: hooks only the backward nodes whose class name ends in "Backward0", so a first broken node such as PowBackward1 (x ** e with a tensor exponent, an exact zero in x) is never seen and the answer is a later node or None (blind round 20, h1). The task: "returns the class name of the first backward node, in the order the backward pass runs them, whose computed gradients ... contain a NaN, inf or -inf"."""
import torch


def _finite_all(ts):
    return all(bool(torch.isfinite(t).all()) for t in ts if t is not None)


def first_nonfinite_grad(fn, *inputs):
    copies = [x.detach().clone().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
              for x in inputs]
    with torch.enable_grad():
        loss = fn(*copies).sum()
    found = []
    handles = []
    seen = set()
    stack = [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)

        def hook(grad_inputs, grad_outputs, node=node):
            if not found and not _finite_all(grad_inputs):
                found.append(type(node).__name__)

        if type(node).__name__.endswith("Backward0"):
            handles.append(node.register_hook(hook))
        for child, _ in node.next_functions:
            stack.append(child)
    try:
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None


def _bad(out):
    if isinstance(out, torch.Tensor):
        return not bool(torch.isfinite(out).all())
    if isinstance(out, (tuple, list)):
        return any(_bad(o) for o in out)
    if isinstance(out, dict):
        return any(_bad(o) for o in out.values())
    return False


def first_nonfinite_module(model, x):
    found = []
    handles = []
    for name, mod in model.named_modules():
        def hook(m, inp, out, name=name):
            if not found and _bad(out):
                found.append(name)
        handles.append(mod.register_forward_hook(hook))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
