"""Trusted helpers for leaves-detach-freeze, run in the worker."""

from collections import OrderedDict

import torch
import torch.nn as nn


def ste(mod, x, g, scale=1.0):
    """round_ste(scale * x): the output, whether it requires grad, and the gradient of (out * g).sum() for x."""
    x = x.detach().requires_grad_(True)
    out = mod.round_ste(x * scale)
    (grad,) = torch.autograd.grad((out * g).sum(), x)
    return {"out": out, "requires_grad": bool(out.requires_grad), "grad": grad}


def two_encoders(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        enc=nn.Sequential(nn.Linear(3, 4), nn.Tanh()),
        encoder=nn.Linear(4, 4),
        head=nn.Linear(4, 2))).to(device)


def deep(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(*[nn.Linear(2, 2) for _ in range(12)]).to(device)


def run_freeze(mod, which, module_name, seed, x):
    model = {"two_encoders": two_encoders, "deep": deep}[which](seed, x.device)
    names = mod.freeze(model, module_name)
    model(x).pow(2).sum().backward()
    params = dict(model.named_parameters())
    return {"names": list(names) if isinstance(names, (list, tuple)) else repr(type(names)),
            "requires_grad": {n: bool(p.requires_grad) for n, p in params.items()},
            "has_grad": {n: p.grad is not None for n, p in params.items()}}


def ema_model(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)).to(device)


def run_ema(mod, seed_target, seed_online, decay, x, steps=1):
    """Run ema_update with grad mode on; report values, identity, leafness, and whether a graph links the two."""
    target, online = ema_model(seed_target, x.device), ema_model(seed_online, x.device)
    online.train()
    online(x)  # move online's running statistics away from target's
    ids = [id(p) for p in target.parameters()]
    online_before = [p.detach().clone() for p in online.parameters()]
    with torch.enable_grad():
        for _ in range(steps):
            mod.ema_update(target, online, decay)
    params = list(target.parameters())
    target.eval()
    target(x).sum().backward()  # a graph from target into online would put gradients into online
    return {
        "params": [p.detach().clone() for p in params],
        "buffers": [b.clone() for b in target.buffers()],
        "same_objects": [id(p) for p in target.parameters()] == ids,
        "leaves": all(p.is_leaf and p.grad_fn is None and p.requires_grad for p in params),
        "online_grads": [p.grad is not None for p in online.parameters()],
        "online_unchanged": all(torch.equal(a, b.detach()) for a, b in zip(online_before, online.parameters())),
    }


def ema_reference(seed_target, seed_online, decay, x, steps=1):
    """Trusted values of target after the EMA steps (runs in the judge too)."""
    target, online = ema_model(seed_target, x.device), ema_model(seed_online, x.device)
    online.train()
    online(x)
    with torch.no_grad():
        for _ in range(steps):
            for t, o in zip(target.parameters(), online.parameters()):
                t.copy_(decay * t + (1 - decay) * o)
            for t, o in zip(target.buffers(), online.buffers()):
                t.copy_(o)
    return [p.detach().clone() for p in target.parameters()], [b.clone() for b in target.buffers()]
