"""Angle: the other algorithm. Backward through F.fold (the adjoint of F.unfold): shares in (N, C*kH*kW, L)
layout are folded back, padding cropped; forward of average pooling via F.unfold too. Ties: argmax of a strictly
decreasing tie-breaker (value, then earlier index) computed by max over (eq * descending ranks).
"""
import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    """(kH, kW), (sH, sW), (pH, pW); stride None means the kernel size."""
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


def _windows(xp, k, s):
    # (N, C, oH, oW, kH * kW), window elements in row-major order
    w = xp.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])
    return w.reshape(*w.shape[:4], k[0] * k[1])


def _scatter(gw, padded_shape, k, s, p, dtype):
    # gw: (N, C, oH, oW, kH * kW) shares; add each back at its padded position, then crop the padding
    N, C, oH, oW, _ = gw.shape
    gp = torch.zeros(padded_shape, dtype=dtype, device=gw.device)
    gw = gw.reshape(N, C, oH, oW, k[0], k[1])
    for m in range(k[0]):
        for q in range(k[1]):
            gp[:, :, m:m + s[0] * (oH - 1) + 1:s[0], q:q + s[1] * (oW - 1) + 1:s[1]] += gw[..., m, q]
    H, W = padded_shape[2] - 2 * p[0], padded_shape[3] - 2 * p[1]
    return gp[:, :, p[0]:p[0] + H, p[1]:p[1] + W]


def _fold(gw, padded_shape, k, s, p):
    N, C, oH, oW, K = gw.shape
    cols = gw.permute(0, 1, 4, 2, 3).reshape(N, C * K, oH * oW)
    gp = F.fold(cols, padded_shape[2:], k, stride=s)
    H, W = padded_shape[2] - 2 * p[0], padded_shape[3] - 2 * p[1]
    return gp[:, :, p[0]:p[0] + H, p[1]:p[1] + W]


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (p[1], p[1], p[0], p[0]), value=float("-inf"))
        w = _windows(xp, k, s)
        out = w.amax(-1)
        eq = w == out.unsqueeze(-1)
        rank = torch.arange(w.shape[-1], 0, -1, device=w.device)
        first = torch.nn.functional.one_hot((eq * rank).argmax(-1), w.shape[-1]).bool()
        ctx.save_for_backward(first)
        ctx.geo = (tuple(xp.shape), k, s, p, x.dtype)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (first,) = ctx.saved_tensors
        shape, k, s, p, dtype = ctx.geo
        gw = first.to(dtype) * grad_out.unsqueeze(-1)
        return _fold(gw, shape, k, s, p), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (p[1], p[1], p[0], p[0]))
        out = _windows(xp, k, s).sum(-1) / (k[0] * k[1])
        ctx.geo = (tuple(xp.shape), k, s, p, x.dtype)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        shape, k, s, p, dtype = ctx.geo
        share = (grad_out / (k[0] * k[1])).unsqueeze(-1).expand(*grad_out.shape, k[0] * k[1])
        return _fold(share.contiguous(), shape, k, s, p), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
