"""Violates "one list per `nn.ReLU` (in order)": only a ReLU that directly follows an nn.Linear is examined, so a ReLU
after any other layer (an nn.Identity, a norm, a Tanh) gets no list."""
import math

import torch
import torch.nn as nn

_ACTS = {"identity": lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError(f"unknown activation {activation!r}")
    if x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension must be W.shape[1]")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (W.shape[0],)")
    return _ACTS[activation](x @ W.T + b)


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("fan in and fan out need at least 2 dimensions")
    rf = 1
    for s in shape[2:]:
        rf *= int(s)
    return int(shape[1]) * rf, int(shape[0]) * rf


def gain(nonlinearity, param=None):
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid"):
        return 1
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
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
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
    out = []
    h = x
    with torch.no_grad():
        prev = None
        for layer in model:
            if isinstance(layer, nn.ReLU) and isinstance(prev, nn.Linear):
                dead = (h <= 0).reshape(-1, h.shape[-1]).all(dim=0)
                out.append([int(i) for i in torch.nonzero(dead).flatten().tolist()])
            h = layer(h)
            prev = layer
    return out
