"""Violates "fold_conv_bn(conv, bn) ... for `bn` an eval-mode `BatchNorm2d`": reads bn.weight and bn.bias as if they
always existed, so a BatchNorm2d(affine=False) (no weight or bias: gamma 1, beta 0) raises TypeError."""
import torch
from torch import nn


@torch.no_grad()
def fuse_linears(fc1, fc2):
    W1, W2 = fc1.weight, fc2.weight
    b1 = fc1.bias if fc1.bias is not None else torch.zeros(W1.shape[0], dtype=W1.dtype, device=W1.device)
    b2 = fc2.bias if fc2.bias is not None else torch.zeros(W2.shape[0], dtype=W2.dtype, device=W2.device)
    fused = nn.Linear(W1.shape[1], W2.shape[0], bias=True, device=W1.device, dtype=W1.dtype)
    fused.weight.copy_(W2 @ W1)
    fused.bias.copy_(W2 @ b1 + b2)
    return fused


@torch.no_grad()
def fold_conv_bn(conv, bn):
    W = conv.weight
    b = conv.bias if conv.bias is not None else torch.zeros(W.shape[0], dtype=W.dtype, device=W.device)
    gamma = bn.weight
    beta = bn.bias
    s = gamma / torch.sqrt(bn.running_var + bn.eps)
    new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride, padding=conv.padding,
                    dilation=conv.dilation, groups=conv.groups, bias=True, padding_mode=conv.padding_mode,
                    device=W.device, dtype=W.dtype)
    new.weight.copy_(W * s.reshape(-1, 1, 1, 1).to(W.dtype))
    new.bias.copy_(((b - bn.running_mean) * s + beta).to(W.dtype))
    return new


def optimized_for_inference(model):
    was = model.training
    model.eval()
    try:
        scripted = torch.jit.script(model)
        return torch.jit.optimize_for_inference(scripted)
    finally:
        model.train(was)
