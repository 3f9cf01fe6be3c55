"""Breaks: "every parameter of target becomes decay * target + (1 - decay) * online" (once). Walks
named_parameters(remove_duplicate=False), so a parameter tied between two submodules is averaged twice."""
import torch


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    sub = dict(model.named_modules())[module_name]
    ids = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in ids:
            p.requires_grad_(False)
            names.append(name)
    return names


def ema_update(target, online, decay):
    with torch.no_grad():
        pairs = zip(target.named_parameters(remove_duplicate=False), online.named_parameters(remove_duplicate=False))
        for (_, t), (_, o) in pairs:
            t.mul_(decay).add_(o, alpha=1 - decay)
        for t, o in zip(target.buffers(), online.buffers()):
            t.copy_(o)
