"""VIOLATES "equal ... F.avg_pool2d within 1e-12 in float64": average pooling's forward takes each window sum as a
difference of running sums (a summed-area table built with cumsum). Exact in exact arithmetic and right at unit scale,
but the running sums carry the rounding of every earlier large value into every later window: with a block of values
near 1e8 at the top left, windows of small values further on are about 1e-8 off (blind round 13, natural solution)."""

import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    """(kH, kW), (sH, sW), (pH, pW); stride None means the kernel size."""
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        (kH, kW), (sH, sW), (pH, pW) = _geometry(kernel_size, stride, padding)
        N, C, H, W = x.shape
        xp = F.pad(x, (pW, pW, pH, pH), value=float("-inf"))
        win = xp.unfold(2, kH, sH).unfold(3, kW, sW)
        oH, oW = win.shape[2], win.shape[3]
        val, pos = win.reshape(N, C, oH, oW, kH * kW).max(dim=-1)
        i = torch.arange(oH, device=x.device).view(-1, 1)
        j = torch.arange(oW, device=x.device).view(1, -1)
        idx = (i * sH + pos // kW - pH) * W + (j * sW + pos % kW - pW)
        ctx.save_for_backward(idx)
        ctx.in_shape = x.shape
        return val

    @staticmethod
    def backward(ctx, grad_out):
        (idx,) = ctx.saved_tensors
        N, C, H, W = ctx.in_shape
        g = grad_out.new_zeros(N, C, H * W)
        g.scatter_add_(2, idx.reshape(N, C, -1), grad_out.reshape(N, C, -1))
        return g.view(N, C, H, W), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        (kH, kW), (sH, sW), (pH, pW) = _geometry(kernel_size, stride, padding)
        N, C, H, W = x.shape
        xp = F.pad(x, (pW, pW, pH, pH))
        # integral image: S[a, b] = sum of xp[:a, :b]
        S = F.pad(xp.cumsum(2).cumsum(3), (1, 0, 1, 0))
        oH = (H + 2 * pH - kH) // sH + 1
        oW = (W + 2 * pW - kW) // sW + 1
        r0 = torch.arange(oH, device=x.device) * sH
        c0 = torch.arange(oW, device=x.device) * sW
        r1, c1 = r0 + kH, c0 + kW
        win = (S[:, :, r1][:, :, :, c1] - S[:, :, r0][:, :, :, c1] - S[:, :, r1][:, :, :, c0]
               + S[:, :, r0][:, :, :, c0])
        ctx.geom = (kH, kW, sH, sW, pH, pW)
        ctx.in_shape = x.shape
        return win / (kH * kW)

    @staticmethod
    def backward(ctx, grad_out):
        kH, kW, sH, sW, pH, pW = ctx.geom
        N, C, H, W = ctx.in_shape
        oH, oW = grad_out.shape[2], grad_out.shape[3]
        g = (grad_out / (kH * kW)).reshape(N, C, 1, oH * oW).expand(N, C, kH * kW, oH * oW)
        cols = g.reshape(N, C * kH * kW, oH * oW)
        grad_x = F.fold(cols, output_size=(H, W), kernel_size=(kH, kW), padding=(pH, pW), stride=(sH, sW))
        return grad_x, None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)

