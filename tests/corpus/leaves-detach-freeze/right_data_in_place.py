"""A correct solution written differently: the STE as x - (x - round(x)).detach(), freezing by the submodule's own
parameter names with the prefix named_parameters() gives them, and an EMA that works on .data in place (same objects,
same memory, no graph; assigning a new tensor to .data instead would swap the memory: wrong_data_rebinds_memory.py)."""

import torch


def round_ste(x):
    return x - (x - torch.round(x)).detach()


def freeze(model, module_name):
    sub = dict(model.named_modules())[module_name]
    inside = {name for name, _ in sub.named_parameters(prefix=module_name)}
    frozen = []
    for name, param in model.named_parameters():
        if name in inside:
            param.requires_grad = False
            frozen.append(name)
    return frozen


def ema_update(target, online, decay):
    for t, o in zip(target.parameters(), online.parameters()):
        t.data.mul_(decay).add_(o.data, alpha=1.0 - decay)
    for t, o in zip(target.buffers(), online.buffers()):
        t.data.copy_(o.data)
