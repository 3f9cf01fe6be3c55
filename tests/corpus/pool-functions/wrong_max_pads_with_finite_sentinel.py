"""Violates: "Max pooling pads with -inf: a padded position is never a window's maximum": pads with a "very negative"
sentinel -1e9; the inputs are only promised finite, so for a border window whose real elements are all below -1e9
(e.g. float64 x * 1e10) the output is -1e9 instead of torch's, and the gradient goes to the padding (lost)."""

import torch
import torch.nn.functional as F
from torch.autograd import Function


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


def _offsets(k):
    return [(m, q) for m in range(k[0]) for q in range(k[1])]


class MaxPool2d(Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, [p[1], p[1], p[0], p[0]], mode="constant", value=-1e9)
        win = xp.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])
        flatwin = win.flatten(-2)
        out = flatwin.amax(dim=-1)
        hit = flatwin == out.unsqueeze(-1)
        first = hit & (hit.cumsum(dim=-1) == 1)
        ctx.save_for_backward(first)
        ctx.meta = (tuple(x.shape), k, s, p)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (first,) = ctx.saved_tensors
        shape, k, s, p = ctx.meta
        N, C, H, W = shape
        oH, oW = grad_out.shape[-2:]
        share = first.to(grad_out.dtype) * grad_out.unsqueeze(-1)
        gp = grad_out.new_zeros(N, C, H + 2 * p[0], W + 2 * p[1])
        for idx, (m, q) in enumerate(_offsets(k)):
            gp[:, :, m: m + s[0] * (oH - 1) + 1: s[0], q: q + s[1] * (oW - 1) + 1: s[1]] += share[..., idx]
        return gp[:, :, p[0]: p[0] + H, p[1]: p[1] + W].clone(), None, None, None


class AvgPool2d(Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, [p[1], p[1], p[0], p[0]])
        oH = (xp.shape[2] - k[0]) // s[0] + 1
        oW = (xp.shape[3] - k[1]) // s[1] + 1
        acc = None
        for m, q in _offsets(k):
            part = xp[:, :, m: m + s[0] * (oH - 1) + 1: s[0], q: q + s[1] * (oW - 1) + 1: s[1]]
            acc = part.clone() if acc is None else acc.add_(part)
        ctx.meta = (tuple(x.shape), k, s, p)
        return acc.div_(k[0] * k[1])

    @staticmethod
    def backward(ctx, grad_out):
        shape, k, s, p = ctx.meta
        N, C, H, W = shape
        oH, oW = grad_out.shape[-2:]
        share = grad_out / (k[0] * k[1])
        gp = grad_out.new_zeros(N, C, H + 2 * p[0], W + 2 * p[1])
        for m, q in _offsets(k):
            gp[:, :, m: m + s[0] * (oH - 1) + 1: s[0], q: q + s[1] * (oW - 1) + 1: s[1]] += share
        return gp[:, :, p[0]: p[0] + H, p[1]: p[1] + W].clone(), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
