"""Violates: Any error raised by fn or by backward propagates. When the result has no grad_fn (every path detached), backward is skipped and None returned instead of letting backwards RuntimeError propagate."""
import torch


def _finite(ts):
    return all(bool(torch.isfinite(t).all()) for t in ts if t is not None)


def first_nonfinite_grad(fn, *inputs):
    copies = [x.detach().clone().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x
              for x in inputs]
    out = fn(*copies).sum()
    found = []
    handles = []
    seen = set()
    stack = [out.grad_fn]
    try:
        while stack:
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)

            def hook(grad_inputs, grad_outputs, node=node):
                if not found and not _finite(grad_inputs):
                    found.append(type(node).__name__)

            handles.append(node.register_hook(hook))
            stack.extend(child for child, _ in node.next_functions)
        if out.grad_fn is not None:
            out.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None


def first_nonfinite_module(model, x):
    names = {m: n for n, m in model.named_modules()}
    found = []
    handles = []

    def hook(mod, inp, output):
        if found:
            return
        outs = output if isinstance(output, (tuple, list)) else (output,)
        ts = [o for o in outs if isinstance(o, torch.Tensor) and o.is_floating_point()]
        if not _finite(ts):
            found.append(names[mod])

    try:
        for m in model.modules():
            handles.append(m.register_forward_hook(hook))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
