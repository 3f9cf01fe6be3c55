"""Channel: torch.nn.init reached through another module's namespace (torch.nn.modules.conv imports it as init).
dense_forward and dead_relu_units are left as in the stub: the file only tries to get the initialisation work done
by torch.nn.init."""

import torch
import torch.nn.modules.conv as conv_module


def dense_forward(x, W, b, activation="identity"):
    raise NotImplementedError


def dead_relu_units(model, x):
    raise NotImplementedError


def fans(shape):
    return conv_module.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def gain(nonlinearity, param=None):
    return conv_module.init.calculate_gain(nonlinearity, param)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    return conv_module.init.xavier_uniform_(tensor, gain=gain, generator=generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    return conv_module.init.kaiming_normal_(tensor, a=a, mode=mode, nonlinearity=nonlinearity, generator=generator)
