"""WRONG: logs the norm of (.grad now - .grad after the previous backward), from a post-accumulate hook. That equals
the backward's own gradient only while nobody touches .grad: after model.zero_grad() (set_to_none or in place) between
two backward calls the difference is not the gradient that backward computed ("every backward ... appends the 2-norm
of the gradient that backward computed for it, not of the accumulated .grad")."""

import torch


def log_grad_norms(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        log[name] = []

        prev = {"g": None}

        def hook(param, name=name, prev=prev):
            g = param.grad if prev["g"] is None else param.grad - prev["g"]
            log[name].append(g.norm().item())
            prev["g"] = param.grad.clone()

        handles.append(p.register_post_accumulate_grad_hook(hook))
    return log, handles


def clamp_grad(t, bound):
    return t.register_hook(lambda g: g.clamp(-bound, bound))


def scale_grad_to_inputs(module, factor):
    def hook(mod, grad_input, grad_output):
        return tuple(None if g is None else g * factor for g in grad_input)

    return module.register_full_backward_hook(hook)
