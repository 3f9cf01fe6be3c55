"""fold_conv_bn scales the given conv in place and returns it: the caller's conv is changed."""
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
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    with torch.no_grad():
        conv.weight.mul_(scale.reshape(-1, 1, 1, 1))
        shift = bn.bias - bn.running_mean * scale
        if conv.bias is None:
            conv.bias = nn.Parameter(shift.clone())
        else:
            conv.bias.mul_(scale).add_(shift)
    return conv


def optimized_for_inference(model):
    return torch.jit.optimize_for_inference(torch.jit.script(model.eval()))
