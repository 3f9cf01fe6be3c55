"""Folding and fusing computed in float64 then cast back, nn.Linear built on the meta device then to_empty, the model
deep-copied before scripting so the caller's module keeps its mode."""
import copy
import torch
from torch import nn


def fuse_linears(fc1, fc2):
    dev, dt = fc1.weight.device, fc1.weight.dtype
    w1, w2 = fc1.weight.detach().double(), fc2.weight.detach().double()
    b = torch.zeros(w2.shape[0], dtype=torch.float64, device=dev)
    if fc1.bias is not None:
        b = b + w2 @ fc1.bias.detach().double()
    if fc2.bias is not None:
        b = b + fc2.bias.detach().double()
    has_bias = fc1.bias is not None or fc2.bias is not None
    fused = nn.Linear(w1.shape[1], w2.shape[0], bias=has_bias, device="meta").to_empty(device=dev).to(dt)
    with torch.no_grad():
        fused.weight.copy_((w2 @ w1).to(dt))
        if has_bias:
            fused.bias.copy_(b.to(dt))
    return fused


def fold_conv_bn(conv, bn):
    dt = conv.weight.dtype
    var = bn.running_var.detach().double()
    mean = bn.running_mean.detach().double()
    gamma = bn.weight.detach().double() if bn.weight is not None else torch.ones_like(var)
    beta = bn.bias.detach().double() if bn.bias is not None else torch.zeros_like(var)
    s = gamma / torch.sqrt(var + bn.eps)
    b0 = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(var)
    new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                    conv.dilation, conv.groups, True, conv.padding_mode, device=conv.weight.device, dtype=dt)
    with torch.no_grad():
        new.weight.copy_((conv.weight.detach().double() * s[:, None, None, None]).to(dt))
        new.bias.copy_(((b0 - mean) * s + beta).to(dt))
    return new


def optimized_for_inference(model):
    frozen_src = copy.deepcopy(model).eval()
    return torch.jit.optimize_for_inference(torch.jit.script(frozen_src))
