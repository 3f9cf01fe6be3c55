"""optimized_for_inference returns the eager model in eval mode (no ScriptModule, nothing frozen)."""
import torch
from torch import nn


def fuse_linears(fc1, fc2):
    fused = nn.Linear(fc1.in_features, fc2.out_features).to(device=fc1.weight.device, dtype=fc1.weight.dtype)
    with torch.no_grad():
        fused.weight.copy_(fc2.weight @ fc1.weight)
        b1 = fc1.bias if fc1.bias is not None else torch.zeros_like(fc1.weight[:, 0])
        b2 = fc2.bias if fc2.bias is not None else torch.zeros_like(fc2.weight[:, 0])
        fused.bias.copy_(fc2.weight @ b1 + b2)
    return fused


def fold_conv_bn(conv, bn):
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                       padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                       padding_mode=conv.padding_mode).to(device=conv.weight.device, dtype=conv.weight.dtype)
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
        folded.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
    return folded


def optimized_for_inference(model):
    return model.eval()
