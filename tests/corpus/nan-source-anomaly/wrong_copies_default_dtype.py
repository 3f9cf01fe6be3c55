"""Wrong: differentiates float32 copies (torch.tensor(x.tolist(), requires_grad=True)) of float64 inputs, so a
gradient finite in float64 (sqrt near 1e-50, a scale by 1e200) overflows in the copy and a node is named where the
answer is None. The task says to run the backward on copies of the inputs: a copy keeps the dtype."""
import torch


def _copy(x):
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        return torch.tensor(x.tolist(), requires_grad=True)
    return x


def first_nonfinite_grad(fn, *inputs):
    copies = [_copy(x) for x in inputs]
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
            if not found and any(g is not None and not bool(torch.isfinite(g).all()) for g in grad_inputs):
                found.append(type(node).__name__)

        handles.append(node.register_hook(hook))
        stack.extend(child for child, _ in node.next_functions)
    try:
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None


def _all_finite(out):
    if isinstance(out, torch.Tensor):
        return bool(torch.isfinite(out).all())
    if isinstance(out, dict):
        return all(_all_finite(v) for v in out.values())
    if isinstance(out, (tuple, list)):
        return all(_all_finite(v) for v in out)
    return True


def first_nonfinite_module(model, x):
    found = []
    handles = []
    for name, module in model.named_modules():
        handles.append(module.register_forward_hook(
            lambda mod, args, out, name=name: found.append(name) if not found and not _all_finite(out) else None))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None
