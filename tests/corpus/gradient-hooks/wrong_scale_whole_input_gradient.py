"""Violates: 'multiplies the gradient the module passes back to each of its inputs by factor ... once per backward'. A forward pre-hook puts tensor hooks on the inputs: this scales the input's *total* gradient (including uses outside the module), and a module called twice on one input scales it twice."""
import torch


def log_grad_norms(model):
    log = {}
    handles = []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        log[name] = []

        def hook(grad, name=name):
            log[name].append(float(grad.detach().norm()))

        handles.append(p.register_hook(hook))
    return log, handles


def clamp_grad(t, bound):
    return t.register_hook(lambda g: g.clamp(-bound, bound))


def scale_grad_to_inputs(module, factor):
    def hook(mod, inputs):
        for t in inputs:
            if isinstance(t, torch.Tensor) and t.requires_grad:
                t.register_hook(lambda g: g * factor)

    return module.register_forward_pre_hook(hook)
