"""A correct solution written differently: einsum for the layer, fans with functools.reduce, gains from a dict of
lambdas, the bound and std computed inline, and dead units found by walking the layers with a running mask."""

import functools
import math
import operator

import torch
from torch import nn

_GAIN = {"linear": lambda p: 1, "conv1d": lambda p: 1, "conv2d": lambda p: 1, "conv3d": lambda p: 1,
         "sigmoid": lambda p: 1, "tanh": lambda p: 5.0 / 3, "relu": lambda p: math.sqrt(2.0),
         "leaky_relu": lambda p: math.sqrt(2.0 / (1 + (0.01 if p is None else p) ** 2))}


def dense_forward(x, W, b, activation="identity"):
    f = {"identity": None, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    if activation not in f:
        raise ValueError(activation)
    if W.ndim != 2 or x.shape[-1] != W.shape[1] or tuple(b.shape) != (W.shape[0],):
        raise ValueError("shapes")
    z = torch.einsum("...i,oi->...o", x, W) + b
    return z if f[activation] is None else f[activation](z)


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("need at least two dimensions")
    field = functools.reduce(operator.mul, shape[2:], 1)
    return (int(shape[1] * field), int(shape[0] * field))


def gain(nonlinearity, param=None):
    if nonlinearity not in _GAIN:
        raise ValueError(nonlinearity)
    return _GAIN[nonlinearity](param)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fi, fo = fans(tensor.shape)
    with torch.no_grad():
        tensor.uniform_(-gain * math.sqrt(6 / (fi + fo)), gain * math.sqrt(6 / (fi + fo)), generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fi, fo = fans(tensor.shape)
    with torch.no_grad():
        tensor.normal_(0, _GAIN[nonlinearity](a) / math.sqrt({"fan_in": fi, "fan_out": fo}[mode]), generator=generator)
    return tensor


def dead_relu_units(model, x):
    out = []
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.ReLU):
                never = ~(x > 0).any(dim=0)
                out.append([i for i, d in enumerate(never.tolist()) if d])
            x = layer(x)
    return out
