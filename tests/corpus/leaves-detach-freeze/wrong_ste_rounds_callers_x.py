"""Violates round_ste(x): a function that computes and returns round(x) with the identity's gradient must leave the caller's x as it was: it rounds x in place through .data and returns x * 1, so the caller's x is overwritten by its rounded values."""
import torch


def round_ste(x):
    x.data.round_()
    return x * 1


def freeze(model, module_name):
    modules = dict(model.named_modules())
    owned = [p for p in modules[module_name].parameters()]
    out = []
    for full, p in model.named_parameters():
        if any(p is q for q in owned):
            out.append(full)
    for p in owned:
        p.requires_grad_(False)
    return out


def ema_update(target, online, decay):
    src_p = dict(online.named_parameters())
    src_b = dict(online.named_buffers())
    with torch.no_grad():
        for name, p in target.named_parameters():
            p.mul_(decay)
            p.add_(src_p[name] * (1 - decay))
        for name, b in target.named_buffers():
            b.copy_(src_b[name])
