"""Right, written differently: dead units via forward pre-hooks (removed), gains from a table, fans via math.prod, F.linear-free matmul with unsqueeze for 1-D."""
import math

import torch
import torch.nn as nn

_ACTS = {"identity": lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError(f"unknown activation {activation!r}")
    if x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension does not match W")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (out,)")
    return _ACTS[activation](x @ W.T + b)


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("fans need at least 2 dimensions")
    rf = 1
    for s in shape[2:]:
        rf *= s
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
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a, generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fan_in, fan_out = fans(tensor.shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        tensor.normal_(0, std, generator=generator)
    return tensor


def dead_relu_units(model, x):
    seen = []
    handles = [m.register_forward_pre_hook(lambda mod, args: seen.append(args[0].detach()))
               for m in model if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    out = []
    for inp in seen:
        alive = (inp.reshape(-1, inp.shape[-1]) > 0).any(dim=0)
        out.append([i for i, a in enumerate(alive.tolist()) if not a])
    return out
