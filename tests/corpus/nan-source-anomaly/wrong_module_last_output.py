"""Breaks: "returns the name ... of the first module whose output contains NaN, inf or -inf, in the order outputs are produced". A module called several times is judged on its last output only (a dict name -> output overwritten per call, in first-call order)."""

import torch


def _bad(ts):
    return any(t is not None and isinstance(t, torch.Tensor) and not bool(torch.isfinite(t).all()) for t in ts)


def first_nonfinite_grad(fn, *inputs):
    leaves = [t.detach().clone().requires_grad_(True) if isinstance(t, torch.Tensor) and t.is_floating_point() else t
              for t in inputs]
    out = fn(*leaves).sum()
    order, handles, seen, stack = [], [], set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)

        def hook(grad_inputs, grad_outputs, node=node):
            if _bad(grad_inputs):
                order.append(type(node).__name__)

        handles.append(node.register_hook(hook))
        stack.extend(child for child, _ in node.next_functions)
    try:
        out.backward()
    finally:
        for h in handles:
            h.remove()
    return order[0] if order else None


def _out_bad(out):
    if isinstance(out, torch.Tensor):
        return out.is_floating_point() and not bool(torch.isfinite(out).all())
    if isinstance(out, (list, tuple)):
        return any(_out_bad(o) for o in out)
    if isinstance(out, dict):
        return any(_out_bad(o) for o in out.values())
    return False


def first_nonfinite_module(model, x):
    found, handles, outs = [], [], {}
    try:
        for name, module in model.named_modules():
            def hook(mod, inp, out, name=name):
                outs[name] = out
                if _out_bad(out):
                    pass
            handles.append(module.register_forward_hook(hook))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return next((n for n, o in outs.items() if _out_bad(o)), None)
