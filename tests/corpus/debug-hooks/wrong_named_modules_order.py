"""Records which modules have a non-finite output, then answers the first of them in model.named_modules() order
(containers come before their children there): a culprit inside a nested block is reported as its container."""

import torch


def attach_grad_norm_logger(model):
    log = {name: [] for name, _ in model.named_parameters()}
    handles = [p.register_hook(lambda g, values=log[name]: values.append(float(g.norm())))
               for name, p in model.named_parameters()]
    return log, handles


def _leaves(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _leaves(v)]
    return []


def first_nonfinite_module(model, x):
    bad = set()

    def hook(name):
        def watch(module, args, output):
            if any(not bool(torch.isfinite(t).all()) for t in _leaves(output)):
                bad.add(name)
        return watch

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if n]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return next((n for n, _ in model.named_modules() if n in bad), None)
