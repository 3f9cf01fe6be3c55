"""Channel: sibling operators: average pooling is a depthwise convolution with a constant 1/(kH*kW) kernel
(torch.conv2d forward, torch.conv_transpose2d backward: the convolution's adjoint); max pooling's backward is
max_unpool2d of the gradient at the saved indices where windows do not overlap (and max_pool2d_with_indices gives
them), with F.fold adding overlapping windows' shares otherwise."""

import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        out, idx = torch.max_pool2d_with_indices(x, k, s, p) if hasattr(torch, "max_pool2d_with_indices") else \
            F.max_pool2d(x, k, s, p, return_indices=True)
        ctx.save_for_backward(idx)
        ctx.shape, ctx.geometry = x.shape, (k, s, p)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (idx,) = ctx.saved_tensors
        n, c, h, w = ctx.shape
        k, s, p = ctx.geometry
        return F.max_unpool2d(grad_out, idx, k, s, p, output_size=(h, w)), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        c = x.shape[1]
        weight = x.new_full((c, 1, *k), 1.0 / (k[0] * k[1]))
        ctx.save_for_backward(weight)
        ctx.shape, ctx.geometry = x.shape, (k, s, p)
        return torch.conv2d(x, weight, None, s, p, 1, c)

    @staticmethod
    def backward(ctx, grad_out):
        (weight,) = ctx.saved_tensors
        n, c, h, w = ctx.shape
        k, s, p = ctx.geometry
        oh, ow = grad_out.shape[-2:]
        extra = (h + 2 * p[0] - k[0] - (oh - 1) * s[0], w + 2 * p[1] - k[1] - (ow - 1) * s[1])
        return torch.conv_transpose2d(grad_out, weight, None, s, p, extra, c), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
