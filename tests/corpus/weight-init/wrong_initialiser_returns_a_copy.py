"""Draws into a new tensor, copies it into the parameter and returns the new tensor: the parameter holds the right values, but the returned object is not the tensor that was filled."""

import math

import torch
import torch.nn as nn


def dense_forward(x, W, b, activation="identity"):
    acts = {"identity": lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    if activation not in acts:
        raise ValueError(f"unknown activation {activation!r}")
    if x.shape[-1] != W.shape[1] or b.shape != (W.shape[0],):
        raise ValueError(f"x {tuple(x.shape)}, W {tuple(W.shape)} and b {tuple(b.shape)} do not fit nn.Linear's layout")
    return acts[activation](x @ W.T + b)


def fans(shape):
    if len(shape) < 2:
        raise ValueError("fans need a tensor with at least 2 dimensions")
    field = math.prod(shape[2:])
    return shape[1] * field, shape[0] * field


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
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fans(tensor.shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    fresh = torch.empty_like(tensor).uniform_(-bound, bound, generator=generator)
    with torch.no_grad():
        tensor.copy_(fresh)
    return fresh


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fan_in, fan_out = fans(tensor.shape)
    std = gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


def dead_relu_units(model, x):
    dead, h = [], x
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.ReLU):
                dead.append(torch.nonzero((h <= 0).all(dim=0)).flatten().tolist())
            h = layer(h)
    return dead
