"""Violates "activation(x @ W.T + b) ... for activations ... tanh": writes tanh by hand as (exp(2z) - 1) / (exp(2z) + 1), which is nan (inf/inf) for z > ~44 (float32) / ~355 (float64) instead of 1."""

import math

import torch
import torch.nn as nn

_ACTS = {"identity": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": lambda z: (torch.exp(2 * z) - 1) / (torch.exp(2 * z) + 1)}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError(f"unknown activation {activation!r}")
    if x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension must be W.shape[1]")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (W.shape[0],)")
    return _ACTS[activation](x @ W.T.to(x.dtype) + b.to(x.dtype))


def fans(shape):
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2:
        raise ValueError("fan in and fan out can not be computed for a shape with fewer than 2 dimensions")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return int(shape[1] * receptive), int(shape[0] * receptive)


def gain(nonlinearity, param=None):
    linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = fans(tensor.shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    with torch.no_grad():
        tensor.uniform_(-a, a, generator=generator)
    return tensor


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if tensor.dim() < 2:
        raise ValueError("kaiming_normal_ needs a tensor with at least 2 dimensions")
    if 0 in tensor.shape:
        return tensor
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = fans(tensor.shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        tensor.normal_(0, std, generator=generator)
    return tensor


def dead_relu_units(model, x):
    inputs = []
    hooks = [m.register_forward_pre_hook(lambda mod, args: inputs.append(args[0].detach().clone()))
             for m in model.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    result = []
    for inp in inputs:
        flat = inp.reshape(-1, inp.shape[-1])
        dead = (flat <= 0).all(dim=0)
        result.append([int(i) for i in torch.nonzero(dead).flatten().tolist()])
    return result
