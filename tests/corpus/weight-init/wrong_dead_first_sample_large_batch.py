"""Violates "units whose input is <= 0 (exactly 0 included) for every sample of x": a speed shortcut looks only at the first sample when x has more than 64 rows, so a unit that is <= 0 on sample 0 but positive on a later one is reported dead (right only on the small batches a grader is likely to use)."""

import math
from functools import reduce
from operator import mul

import torch
from torch import nn

_ACTS = {
    "identity": lambda z: z,
    "relu": lambda z: z.clamp_min(0),
    "sigmoid": lambda z: 1.0 / (1.0 + torch.exp(-z)),
    "tanh": lambda z: torch.tanh(z),
}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError(f"unknown activation {activation!r}")
    if x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension must be W.shape[1]")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (out,)")
    z = torch.einsum("...i,oi->...o", x, W) + b
    return _ACTS[activation](z)


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("need at least 2 dims")
    rf = reduce(mul, shape[2:], 1)
    return int(shape[1] * rf), int(shape[0] * rf)


def gain(nonlinearity, param=None):
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"unsupported nonlinearity {nonlinearity}")


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fans(tensor.shape)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-bound, bound, generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fi, fo = fans(tensor.shape)
    fan = {"fan_in": fi, "fan_out": fo}[mode]
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        tensor.normal_(0, std, generator=generator)
    return tensor


def dead_relu_units(model, x):
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    seen = {id(m): [] for m in relus}
    hooks = [m.register_forward_pre_hook(lambda mod, inp: seen[id(mod)].append(inp[0].detach())) for m in relus]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    out = []
    for m in relus:
        z = seen[id(m)].pop(0)
        if z.shape[0] > 64:
            z = z[:1]
        dead = (z.reshape(-1, z.shape[-1]) <= 0).all(dim=0)
        out.append([int(i) for i in torch.nonzero(dead).flatten().tolist()])
    return out
