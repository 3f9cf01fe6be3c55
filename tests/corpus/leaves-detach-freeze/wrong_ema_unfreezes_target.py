"""Violates ema_update's docstring "target keeps the same tensor objects, and their requires_grad": after the update every target parameter is set to requires_grad=True, so a frozen target parameter is unfrozen."""
import torch


def round_ste(x):
    return torch.round(x).detach() + x - x.detach()


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
            p.requires_grad_(True)
        for name, b in target.named_buffers():
            b.copy_(src_b[name])
