"""A correct solution written differently: callable logger objects, a pre-hook on t's backward node (falling back to
a tensor hook for a leaf), and a backward hook that rebuilds grad_input with torch.mul."""

import torch


class _NormLogger:
    def __init__(self, sink):
        self.sink = sink

    def __call__(self, grad):
        self.sink.append(torch.linalg.vector_norm(grad).item())


def log_grad_norms(model):
    log = {}
    handles = []
    for name, param in model.named_parameters():
        if param.requires_grad:
            log[name] = []
            handles.append(param.register_hook(_NormLogger(log[name])))
    return log, handles


def clamp_grad(t, bound):
    node = t.grad_fn
    if node is None:  # a leaf: only a tensor hook can see its gradient
        return t.register_hook(lambda g: torch.clamp(g, min=-bound, max=bound))

    def pre(grad_outputs):
        return tuple(None if g is None else torch.clamp(g, min=-bound, max=bound) for g in grad_outputs)

    return node.register_prehook(pre)


def scale_grad_to_inputs(module, factor):
    def rescale(mod, grad_input, grad_output):
        scaled = []
        for g in grad_input:
            scaled.append(g if g is None else torch.mul(g, factor))
        return tuple(scaled)

    return module.register_full_backward_hook(rescale)
