"""Angle: state across calls. "every parameter of target becomes decay * target + (1 - decay) * online": the
(target, online) parameter pairs are zipped once on the first call and cached; a second call with another pair of
models updates the first pair again and leaves the new target alone.
"""
import torch


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    sub = model.get_submodule(module_name)
    ids = {id(p) for p in sub.parameters()}
    frozen = []
    for name, p in model.named_parameters():
        if id(p) in ids:
            p.requires_grad_(False)
            frozen.append(name)
    return frozen


_PAIRS = []


def ema_update(target, online, decay):
    if not _PAIRS:
        _PAIRS.extend(zip(target.parameters(), online.parameters()))
    with torch.no_grad():
        for p, q in _PAIRS:
            p.mul_(decay).add_(q, alpha=1 - decay)
        bufs = dict(online.named_buffers())
        for name, b in target.named_buffers():
            b.copy_(bufs[name])
