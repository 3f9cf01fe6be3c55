"""Helpers for leaves-detach-freeze. In the worker they only drive the learner's functions and return raw results
(outputs, gradients, the .grad and requires_grad of the objects the learner was given, values read through the
tensor objects held before the call); the judge loads this file too and computes every reference itself."""

from collections import OrderedDict

import torch
import torch.nn as nn
from grader import drive


def ste(mod, x, g, scale=1.0):
    """round_ste(scale * x) (round_ste(x) itself, the caller's leaf, when scale is 1): its output and the gradient of
    (out * g).sum() with respect to x; then round_ste of a copy of x that does not require grad. Also what the
    caller's two tensors hold afterwards."""
    x = x.detach().requires_grad_(True)
    out = mod.round_ste(x if scale == 1.0 else x * scale)
    (grad,) = torch.autograd.grad((out * g).sum(), x)
    plain = x.detach().clone()
    mod.round_ste(plain)
    return {"out": out.detach(), "grad": grad, "x_after": x.detach().clone(), "plain_after": plain}


def ste_twice(mod, x1, x2):
    """round_ste of two tensors of one shape and dtype, in turn; both outputs read after the second call (a cache keyed
    by shape, or a buffer the second call writes again, shows in the first or the second)."""
    first = mod.round_ste(x1.detach().clone().requires_grad_(True))
    second = mod.round_ste(x2.detach().clone().requires_grad_(True))
    return {"first": first.detach().clone(), "second": second.detach().clone()}


def two_encoders(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        enc=nn.Sequential(nn.Linear(3, 4), nn.Tanh()),
        encoder=nn.Linear(4, 4),
        head=nn.Linear(4, 2))).to(device)


def deep(seed, device):
    torch.manual_seed(seed)
    return nn.Sequential(*[nn.Linear(2, 2) for _ in range(12)]).to(device)


def tied(seed, device):
    """head.weight is embed.weight: named_parameters() lists that tensor once, as embed.weight."""
    torch.manual_seed(seed)
    model = nn.Sequential(OrderedDict(embed=nn.Linear(3, 3), act=nn.Tanh(), head=nn.Linear(3, 3))).to(device)
    model.head.weight = model.embed.weight
    return model


MODELS = {"two_encoders": two_encoders, "deep": deep, "tied": tied}


def freeze_model(which, seed, device, prefrozen=()):
    model = MODELS[which](seed, device)
    for name, p in model.named_parameters():
        if name in prefrozen:
            p.requires_grad_(False)
    return model


def run_freeze(mod, which, module_name, seed, x, prefrozen=()):
    """freeze(model, module_name) on a fresh model (some parameters possibly frozen before), then one backward.
    Returns the names it returned, every parameter's requires_grad and .grad afterwards."""
    model = freeze_model(which, seed, x.device, prefrozen)
    names = mod.freeze(model, module_name)
    out = model(x).pow(2).sum()
    if out.requires_grad:  # with the whole model frozen there is nothing to back-propagate
        out.backward()
    params = dict(model.named_parameters())
    return {"names": names if isinstance(names, (list, tuple, str)) else repr(type(names)),
            "requires_grad": {n: p.requires_grad for n, p in params.items()},
            "grads": {n: p.grad for n, p in params.items()}}


def ema_model(seed, device, tied=False):
    """Its buffers: BatchNorm's running statistics, and a non-persistent buffer (one state_dict() leaves out). With
    tied, another model: two Linear layers share one weight (parameters() lists it once), and there is no buffer."""
    torch.manual_seed(seed)
    if tied:
        model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3), nn.Linear(3, 1))
        model[2].weight = model[0].weight
        return model.to(device)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    model[2].register_buffer("mask", torch.rand(4), persistent=False)
    return model.to(device)


def ema_pair(seed_target, seed_online, x, tied=False):
    """Two models in x's dtype (float32, or float64 for the case that measures the average to float64 precision)."""
    target = ema_model(seed_target, x.device, tied).to(x.dtype)
    online = ema_model(seed_online, x.device, tied).to(x.dtype)
    online.train()
    online(x)  # move online's running statistics away from target's
    return target, online


def run_ema(mod, seed_target, seed_online, decay, x, steps=1, x_after=None, frozen=(), tied=False, online_steps=False):
    """ema_update `steps` times with grad mode on. Everything is read through the tensor objects target and online
    held *before* the call: their values, target's buffers, and the .grad of every parameter after a backward
    through target. With x_after, online then trains on another batch (its buffers change in place) before target's
    buffers are read. `frozen`: the indices of target's parameters set to
    requires_grad=False before the call (a frozen target, as in BYOL or MoCo). With online_steps, online's
    parameters then move in place (+1, as an optimizer step moves them) before target is read."""
    target, online = ema_pair(seed_target, seed_online, x, tied)
    params, buffers = list(target.parameters()), list(target.buffers())
    for i in frozen:
        params[i].requires_grad_(False)
    online_params = list(online.parameters())
    # grad mode is on here (the worker resets it before every grader), as the task says; no enable_grad block around
    # the call: its exit would switch grad mode back on and hide an ema_update that leaves it off (the watch
    # compares torch's settings before and after this probe)
    for _ in range(steps):
        mod.ema_update(target, online, decay)
    if x_after is not None:
        online.train()
        online(x_after)
    if online_steps:
        with drive.grad_mode(False):
            for p in online_params:
                p.add_(1.0)
    target.eval()
    out = target(x).sum()
    if out.requires_grad:  # with every parameter frozen there is nothing to back-propagate
        out.backward()  # a graph from target into online would put gradients into online
    return {"params": [p.detach().clone() for p in params], "buffers": [b.clone() for b in buffers],
            "grads": [p.grad for p in params], "requires_grad": [p.requires_grad for p in params],
            "online_params": [p.detach().clone() for p in online_params],
            "online_grads": [p.grad for p in online_params]}
