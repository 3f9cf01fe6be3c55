"""A correct solution written differently: callable logger objects with torch.linalg.norm; one global module forward
hook (removed in a finally block) that maps modules to names, flattens outputs with torch.utils._pytree and stops
the forward pass at the first hit with an exception."""

import torch
import torch.utils._pytree as pytree
from torch.nn.modules.module import register_module_forward_hook


class _Norms:
    def __init__(self, sink):
        self.sink = sink

    def __call__(self, grad):
        self.sink.append(float(torch.linalg.norm(grad.reshape(-1))))


def attach_grad_norm_logger(model):
    log, handles = {}, []
    for name, param in model.named_parameters():
        log[name] = []
        if param.requires_grad:  # a frozen parameter keeps its empty list
            handles.append(param.register_hook(_Norms(log[name])))
    return log, handles


class _Hit(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def first_nonfinite_module(model, x):
    names = {id(m): n for n, m in model.named_modules() if n}

    def watch(module, args, output):
        name = names.get(id(module))
        if name is None:
            return
        leaves = [t for t in pytree.tree_leaves(output) if isinstance(t, torch.Tensor)]
        if any(not torch.isfinite(t).all() for t in leaves):
            raise _Hit(name)

    handle = register_module_forward_hook(watch)
    try:
        with torch.no_grad():
            model(x)
    except _Hit as hit:
        return hit.name
    finally:
        handle.remove()
    return None
