"""Lets mismatched shapes through (broadcasting or a matmul error) instead of raising ValueError."""

import math

import torch
import torch.nn as nn

_ACTS = {"identity": lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
_GAINS = {"linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0,
          "relu": 2.0 ** 0.5}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError("unknown activation")
    return _ACTS[activation](torch.matmul(x, W.t()) + b)


def fans(shape):
    if len(shape) < 2:
        raise ValueError("fan in and fan out need at least 2 dimensions")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope * slope))
    return _GAINS[nonlinearity]


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fans(tuple(tensor.shape))
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a, generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fan = fans(tuple(tensor.shape))[0 if mode == "fan_in" else 1]
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        tensor.normal_(mean=0.0, std=std, generator=generator)
    return tensor


def dead_relu_units(model, x):
    found = []
    hooks = [m.register_forward_pre_hook(lambda mod, inp: found.append(
        (inp[0] <= 0).all(dim=0).nonzero().flatten().tolist())) for m in model if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return found
