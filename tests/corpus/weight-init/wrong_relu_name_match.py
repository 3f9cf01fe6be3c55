"""Wrong: dead_relu_units treats every module whose class name contains "ReLU" as an nn.ReLU, so an nn.LeakyReLU or
an nn.RReLU in the model gets a list of its own (the task asks for one list per nn.ReLU)."""
import math

import torch
import torch.nn as nn


def dense_forward(x, W, b, activation="identity"):
    if x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension must be W.shape[1]")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (out,)")
    acts = {"identity": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    if activation not in acts:
        raise ValueError(f"unknown activation {activation}")
    return acts[activation](x @ W.T + b)


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("fewer than 2 dimensions")
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
    if tensor.dim() < 2:
        raise ValueError("fewer than 2 dimensions")
    fan_in, fan_out = fans(tensor.shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    with torch.no_grad():
        tensor.uniform_(-a, a, generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if tensor.dim() < 2:
        raise ValueError("fewer than 2 dimensions")
    fan_in, fan_out = fans(tensor.shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        tensor.normal_(0, std, generator=generator)
    return tensor


def dead_relu_units(model, x):
    result = []
    h = x
    with torch.no_grad():
        for layer in model:
            if "ReLU" in type(layer).__name__:
                dead = (h <= 0).reshape(-1, h.shape[-1]).all(dim=0)
                result.append([int(i) for i in torch.nonzero(dead).flatten().tolist()])
            h = layer(h)
    return result
