"""Wrong: scales the conv weight along the input-channel axis (s.reshape(1, -1, 1, 1)) whenever that axis has the output axis's size (in_channels / groups == out_channels), so a square conv folds to the wrong weight."""
import torch
from torch import nn


def fuse_linears(fc1, fc2):
    W1 = fc1.weight.detach()
    W2 = fc2.weight.detach()
    b1 = fc1.bias.detach() if fc1.bias is not None else torch.zeros(W1.shape[0], dtype=W1.dtype, device=W1.device)
    b2 = fc2.bias.detach() if fc2.bias is not None else torch.zeros(W2.shape[0], dtype=W2.dtype, device=W2.device)
    fused = nn.Linear(W1.shape[1], W2.shape[0], bias=True, device=W1.device, dtype=W1.dtype)
    with torch.no_grad():
        fused.weight.copy_(W2 @ W1)
        fused.bias.copy_(W2 @ b1 + b2)
    return fused


def fold_conv_bn(conv, bn):
    W = conv.weight.detach()
    gamma = bn.weight.detach() if bn.weight is not None else torch.ones_like(bn.running_mean)
    beta = bn.bias.detach() if bn.bias is not None else torch.zeros_like(bn.running_mean)
    b = conv.bias.detach() if conv.bias is not None else torch.zeros_like(bn.running_mean)
    s = gamma / torch.sqrt(bn.running_var + bn.eps)
    new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride, padding=conv.padding,
                    dilation=conv.dilation, groups=conv.groups, bias=True, padding_mode=conv.padding_mode,
                    device=W.device, dtype=W.dtype)
    with torch.no_grad():
        new.weight.copy_(W * (s.reshape(1, -1, 1, 1) if W.shape[1] == W.shape[0] else s.reshape(-1, 1, 1, 1)))
        new.bias.copy_((b - bn.running_mean) * s + beta)
    return new


def optimized_for_inference(model):
    return torch.jit.optimize_for_inference(torch.jit.script(model.eval()))
