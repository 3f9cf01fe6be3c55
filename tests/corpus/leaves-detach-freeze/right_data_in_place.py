"""A correct solution written differently: the STE as x - (x - round(x)).detach(), freezing the submodule's own
parameters found by identity in named_parameters() (a tied weight too, listed once there), and an EMA that works on
.data in place (same objects, same memory, no graph; assigning a new tensor to .data instead would swap the memory:
wrong_data_rebinds_memory.py)."""

import torch


def round_ste(x):
    return x - (x - torch.round(x)).detach()


def freeze(model, module_name):
    sub = dict(model.named_modules())[module_name]
    inside = [param for _, param in sub.named_parameters()]
    frozen = []
    for name, param in model.named_parameters():
        if any(param is mine for mine in inside):
            param.requires_grad = False
            frozen.append(name)
    return frozen


def ema_update(target, online, decay):
    for t, o in zip(target.parameters(), online.parameters()):
        t.data.mul_(decay).add_(o.data, alpha=1.0 - decay)
    for t, o in zip(target.buffers(), online.buffers()):
        t.data.copy_(o.data)
