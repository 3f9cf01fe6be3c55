"""Violates: module_name is 'a name from model.named_modules()': the root's name '' is not handled (the submodule is found by walking getattr over name.split('.')), so freeze(model, '') raises instead of freezing everything."""
import torch


def round_ste(x):
    return torch.round(x).detach() + x - x.detach()


def freeze(model, module_name):
    sub = model
    for part in module_name.split('.'):
        sub = getattr(sub, part)
    owned = [p for p in sub.parameters()]
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
