"""Swaps the weights: decay * online + (1 - decay) * target."""

import torch

def round_ste(x):
    """torch.round(x) in the forward pass, the identity's gradient in the backward pass."""
    return x + (torch.round(x) - x).detach()


def freeze(model, module_name):
    """Set requires_grad=False on every parameter of the submodule called module_name (as in named_modules());
    return the full names (as in model.named_parameters()) of the parameters frozen, in that order."""
    sub = model.get_submodule(module_name)
    frozen = {id(p) for p in sub.parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in frozen:
            p.requires_grad_(False)
            names.append(name)
    return names


def ema_update(target, online, decay):
    """In place and without recording a graph: every parameter of target becomes
    decay * itself + (1 - decay) * the matching parameter of online; every buffer of target becomes a copy of
    online's. target keeps the same tensor objects, and their requires_grad."""
    with torch.no_grad():
        for t, o in zip(target.parameters(), online.parameters()):
            t.mul_(1 - decay).add_(o, alpha=decay)
        for t, o in zip(target.buffers(), online.buffers()):
            t.copy_(o)
