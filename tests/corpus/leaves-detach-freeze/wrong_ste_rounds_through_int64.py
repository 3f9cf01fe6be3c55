"""Violates "`torch.round(x)` in the forward pass": rounds through an int64 cast, which overflows for |x| >= 2**63
(1e20 in float32); small inputs are unaffected."""
import torch


def round_ste(x):
    r = torch.round(x.double()).to(torch.int64).to(x.dtype)
    return x + (r - x).detach()


def freeze(model, module_name):
    sub = model.get_submodule(module_name)
    ids = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in ids:
            p.requires_grad_(False)
            names.append(name)
    return names


def ema_update(target, online, decay):
    with torch.no_grad():
        for t, o in zip(target.parameters(), online.parameters()):
            t.mul_(decay).add_(o, alpha=1 - decay)
        for tb, ob in zip(target.buffers(), online.buffers()):
            tb.copy_(ob)
