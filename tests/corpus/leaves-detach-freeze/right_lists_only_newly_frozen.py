"""Right by the task's current wording (open): freeze() lists only the submodule's parameters whose requires_grad it
switched off, leaving out one of the submodule's parameters that was already frozen before the call (which still ends
frozen). The task says "return a list of the full names of the frozen parameters", which does not settle whether a
parameter frozen before the call counts, and test_freeze_by_submodule deliberately leaves that point ungraded. To make
it wrong the task would need: "the list names every parameter of the submodule, one frozen before the call included"
(blind round 13)."""

import torch


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    sub = model.get_submodule(module_name)
    ids = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in ids and p.requires_grad:
            p.requires_grad_(False)
            names.append(name)
    return names


def ema_update(target, online, decay):
    with torch.no_grad():
        for t, o in zip(target.parameters(), online.parameters()):
            t.mul_(decay).add_(o, alpha=1 - decay)
        for t, o in zip(target.buffers(), online.buffers()):
            t.copy_(o)
