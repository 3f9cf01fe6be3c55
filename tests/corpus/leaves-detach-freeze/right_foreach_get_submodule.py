"""Right: the STE as round(x).detach() + x - x.detach(); freeze finds the submodule with get_submodule (root
included) and compares parameters by identity; ema_update uses _foreach ops on the parameter lists."""
import torch


def round_ste(x):
    return torch.round(x).detach() + (x - x.detach())


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
        ts, os_ = list(target.parameters()), list(online.parameters())
        if ts:
            torch._foreach_mul_(ts, decay)
            torch._foreach_add_(ts, os_, alpha=1 - decay)
        for t, o in zip(target.buffers(), online.buffers()):
            t.copy_(o)
