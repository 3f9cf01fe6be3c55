"""Angle: the other algorithm. Folds in float64 and casts back to the conv's dtype (more accurate for
float32); the fused Linear is built from the functional composition: weight = fc2(fc1(I) - b1) transposed, bias =
fc2(fc1(0)), i.e. evaluating the layers on the identity matrix and a zero vector.
"""
import torch
from torch import nn


def fuse_linears(fc1, fc2):
    with torch.no_grad():
        eye = torch.eye(fc1.in_features, dtype=fc1.weight.dtype, device=fc1.weight.device)
        zero = torch.zeros(1, fc1.in_features, dtype=fc1.weight.dtype, device=fc1.weight.device)
        bias = fc2(fc1(zero))[0]
        weight = (fc2(fc1(eye)) - bias).T
        has_bias = fc1.bias is not None or fc2.bias is not None
        fused = nn.Linear(fc1.in_features, fc2.out_features, bias=has_bias, device=weight.device, dtype=weight.dtype)
        fused.weight.copy_(weight)
        if has_bias:
            fused.bias.copy_(bias)
    return fused


def fold_conv_bn(conv, bn):
    with torch.no_grad():
        dt = conv.weight.dtype
        scale = 1 / torch.sqrt(bn.running_var.double() + bn.eps)
        if bn.weight is not None:
            scale = scale * bn.weight.double()
        weight = (conv.weight.double() * scale[:, None, None, None]).to(dt)
        cb = conv.bias.double() if conv.bias is not None else 0
        bias = (cb - bn.running_mean.double()) * scale
        if bn.bias is not None:
            bias = bias + bn.bias.double()
        bias = bias.to(dt)
        fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                          padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                          padding_mode=conv.padding_mode, device=weight.device, dtype=weight.dtype)
        fused.weight.copy_(weight)
        fused.bias.copy_(bias)
    return fused


def optimized_for_inference(model):
    was = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        return torch.jit.optimize_for_inference(torch.jit.script(model))
    finally:
        for m, mode in was:
            m.training = mode
