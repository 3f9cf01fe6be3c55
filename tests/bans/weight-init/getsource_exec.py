"""Channel: exec(inspect.getsource(...)) of torch.nn.init's functions into a namespace of our own.
dense_forward and dead_relu_units are left as in the stub: the file only tries to get the initialisation work done
by torch.nn.init."""

import inspect
import math
import warnings

import torch


def dense_forward(x, W, b, activation="identity"):
    raise NotImplementedError


def dead_relu_units(model, x):
    raise NotImplementedError


def _rebuilt():
    import torch.nn.init as init
    namespace = {"torch": torch, "math": math, "warnings": warnings, "Tensor": torch.Tensor}
    namespace.update(vars(__import__("typing")))
    namespace.update({k: v for k, v in vars(init).items() if not k.startswith("__")})  # its type aliases (_FanMode, ...)
    for name in ("_calculate_fan_in_and_fan_out", "_calculate_correct_fan", "calculate_gain", "xavier_uniform_",
                 "kaiming_normal_", "_no_grad_uniform_", "_no_grad_normal_"):
        exec(inspect.getsource(getattr(init, name)), namespace)
    return namespace


def fans(shape):
    return _rebuilt()["_calculate_fan_in_and_fan_out"](torch.empty(shape))


def gain(nonlinearity, param=None):
    return _rebuilt()["calculate_gain"](nonlinearity, param)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    return _rebuilt()["xavier_uniform_"](tensor, gain=gain, generator=generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    return _rebuilt()["kaiming_normal_"](tensor, a=a, mode=mode, nonlinearity=nonlinearity, generator=generator)
