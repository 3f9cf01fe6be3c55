"""Wrong: dead_relu_units switches the caller's model to eval mode and leaves it there (the task: it leaves `model` in the train/eval mode it was in)."""

import math
import torch
import torch.nn as nn
import torch.nn.functional as F

_ACTS = {"identity": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def dense_forward(x, W, b, activation="identity"):
    if activation not in _ACTS:
        raise ValueError(f"unknown activation {activation!r}")
    if x.dim() < 1 or x.shape[-1] != W.shape[1]:
        raise ValueError("x's last dimension must be W.shape[1]")
    if tuple(b.shape) != (W.shape[0],):
        raise ValueError("b must have shape (out,)")
    return _ACTS[activation](F.linear(x, W, b))


def fans(shape):
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("fan in and fan out need at least 2 dimensions")
    rf = math.prod(shape[2:])
    return int(shape[1] * rf), int(shape[0] * rf)


def gain(nonlinearity, param=None):
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "conv_transpose1d",
                        "conv_transpose2d", "conv_transpose3d"):
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
    fi, fo = fans(tensor.shape)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fi + fo))
    with torch.no_grad():
        return tensor.uniform_(-a, a, generator=generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    fi, fo = fans(tensor.shape)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode} not supported")
    fan = fi if mode == "fan_in" else fo
    std = gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        return tensor.normal_(0, std, generator=generator)


def dead_relu_units(model, x):
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    seen = {}
    hs = [r.register_forward_pre_hook(lambda m, inp, i=i: seen.__setitem__(i, inp[0].detach()))
          for i, r in enumerate(relus)]
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hs:
            h.remove()
    out = []
    for i in range(len(relus)):
        z = seen[i].reshape(seen[i].shape[0], -1) if seen[i].dim() > 1 else seen[i].reshape(1, -1)
        out.append([int(j) for j in torch.nonzero((z <= 0).all(0)).flatten().tolist()])
    return out
