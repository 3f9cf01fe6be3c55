"""Violates: 'returns the name (as in model.named_modules())'. Names come from named_modules(remove_duplicate=False), so a module registered under two attributes (self.act = self.act2 = nn.ReLU()) is hooked twice and the later name wins ('act2' where named_modules() lists only 'act')."""
from collections import deque

import torch


def _all_finite(tensors):
    for t in tensors:
        if t is not None and not torch.isfinite(t).all():
            return False
    return True


class _Recorder:
    def __init__(self):
        self.first = None

    def backward(self, node):
        def hook(grad_inputs, grad_outputs):
            if self.first is None and not _all_finite(grad_inputs):
                self.first = type(node).__name__
        return hook


def first_nonfinite_grad(fn, *inputs):
    args = [x.detach().clone().requires_grad_() if torch.is_tensor(x) and torch.is_floating_point(x) else x
            for x in inputs]
    root = fn(*args).sum()
    rec, handles, visited = _Recorder(), [], set()
    queue = deque([root.grad_fn])
    try:
        while queue:
            node = queue.popleft()
            if node is None or node in visited:
                continue
            visited.add(node)
            handles.append(node.register_hook(rec.backward(node)))
            queue.extend(nxt for nxt, _ in node.next_functions)
        root.backward()
    finally:
        for h in handles:
            h.remove()
    return rec.first


def _flatten(obj):
    if torch.is_tensor(obj):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _flatten(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _flatten(o)


def first_nonfinite_module(model, x):
    result = []
    handles = []
    try:
        names = {m: n for n, m in model.named_modules(remove_duplicate=False)}
        for _, mod in model.named_modules():
            name = names[mod]
            def hook(m, inp, out, name=name):
                if not result and not _all_finite(t for t in _flatten(out) if t.is_floating_point() or t.is_complex()):
                    result.append(name)
            handles.append(mod.register_forward_hook(hook))
        model(x)
    finally:
        for h in handles:
            h.remove()
    return result[0] if result else None
