"""Channel: torch.ao.quantization.fuse_modules on a Sequential(conv, bn) in eval mode."""
import torch
from torch import nn


def fold_conv_bn(conv, bn):
    seq = nn.Sequential(conv, bn).eval()
    fused = torch.ao.quantization.fuse_modules(seq, [["0", "1"]])
    return fused[0]


def fuse_linears(fc1, fc2):
    raise NotImplementedError


def optimized_for_inference(model):
    raise NotImplementedError

