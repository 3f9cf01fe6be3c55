"""Copies the layers with copy.deepcopy and overwrites their parameters (rsqrt, einsum); freezes before optimizing."""
import copy

import torch
from torch import nn


def fuse_linears(fc1, fc2):
    out = copy.deepcopy(fc2)
    w1, w2 = fc1.weight.detach(), fc2.weight.detach()
    b1 = fc1.bias.detach() if fc1.bias is not None else w1.new_zeros(w1.shape[0])
    b2 = fc2.bias.detach() if fc2.bias is not None else w2.new_zeros(w2.shape[0])
    out.in_features = fc1.in_features
    out.weight = nn.Parameter(torch.einsum("oh,hi->oi", w2, w1))
    out.bias = nn.Parameter(torch.einsum("oh,h->o", w2, b1) + b2)
    return out


def fold_conv_bn(conv, bn):
    out = copy.deepcopy(conv)
    inv_std = torch.rsqrt(bn.running_var + bn.eps)
    gamma = bn.weight.detach() * inv_std if bn.affine else inv_std
    conv_bias = conv.bias.detach() if conv.bias is not None else torch.zeros_like(bn.running_mean)
    out.weight = nn.Parameter(conv.weight.detach() * gamma[:, None, None, None])
    shift = (conv_bias - bn.running_mean) * gamma
    out.bias = nn.Parameter(bn.bias.detach() + shift if bn.affine else shift)
    return out


def optimized_for_inference(model):
    model = model.eval()
    frozen = torch.jit.freeze(torch.jit.script(model))
    return torch.jit.optimize_for_inference(frozen)
