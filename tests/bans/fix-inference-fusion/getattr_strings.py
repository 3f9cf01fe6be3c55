"""Channel: a name built from strings (importlib + getattr) for torch.nn.utils.fusion.fuse_conv_bn_weights."""
import importlib

import torch
from torch import nn


def fold_conv_bn(conv, bn):
    fusion = importlib.import_module("torch.nn.utils." + "fu" + "sion")
    weights = getattr(fusion, "fuse_conv_bn_" + "weights")
    w, b = weights(conv.weight, conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride, padding=conv.padding,
                    dilation=conv.dilation, groups=conv.groups).to(conv.weight)
    out.weight, out.bias = w, b
    return out


def fuse_linears(fc1, fc2):
    raise NotImplementedError


def optimized_for_inference(model):
    raise NotImplementedError

