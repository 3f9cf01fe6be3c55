"""Breaks "one frozen before the call stays frozen": flips requires_grad, so a parameter of the submodule that was already frozen is unfrozen (and not listed)."""
import torch


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    sub = dict(model.named_modules())[module_name]
    ids = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in ids:
            p.requires_grad_(not p.requires_grad)
            if not p.requires_grad:
                names.append(name)
    return names


def ema_update(target, online, decay):
    with torch.no_grad():
        for pt, po in zip(target.parameters(), online.parameters()):
            pt.mul_(decay).add_(po, alpha=1 - decay)
        for bt, bo in zip(target.buffers(), online.buffers()):
            bt.copy_(bo)
