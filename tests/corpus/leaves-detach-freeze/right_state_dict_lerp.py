"""A correct solution written differently: detach in a sum for the STE, requires_grad_ on the submodule, lerp_ for the EMA."""

import torch


def round_ste(x):
    return torch.round(x).detach() + x - x.detach()


def freeze(model, module_name):
    sub = model.get_submodule(module_name)
    sub.requires_grad_(False)
    mine = set(map(id, sub.parameters()))
    return [name for name, p in model.named_parameters() if id(p) in mine]


@torch.no_grad()
def ema_update(target, online, decay):
    for t, o in zip(target.parameters(), online.parameters()):
        t.lerp_(o, 1 - decay)  # t + (1 - decay) (o - t)
    for t, o in zip(target.buffers(), online.buffers()):
        t.copy_(o)
