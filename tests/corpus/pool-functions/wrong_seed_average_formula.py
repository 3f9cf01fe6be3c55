"""The seed's average formula, out_ij = (1/C) sum_{k=1}^{C} input_{i+k, j+l}, with the stride added so that the
shapes come out right: it sums along one axis only (the window's first column) and divides by the window's side kH
instead of its area kH*kW. Max pooling is right."""

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
        (kh, kw), (sh, sw), (ph, pw) = _geometry(kernel_size, stride, padding)
        n, c, h, w = x.shape
        xp = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))
        windows = xp.unfold(2, kh, sh).unfold(3, kw, sw)
        oh, ow = windows.shape[2], windows.shape[3]
        out, pos = windows.reshape(n, c, oh, ow, kh * kw).max(dim=-1)
        rows = torch.arange(oh).view(oh, 1) * sh + pos // kw - ph
        cols = torch.arange(ow) * sw + pos % kw - pw
        ctx.save_for_backward(rows * w + cols)
        ctx.input_shape = x.shape
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (index,) = ctx.saved_tensors
        n, c, h, w = ctx.input_shape
        grad_x = grad_out.new_zeros(n, c, h * w)
        grad_x.scatter_add_(2, index.reshape(n, c, -1), grad_out.reshape(n, c, -1))
        return grad_x.reshape(n, c, h, w), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        (kh, kw), (sh, sw), (ph, pw) = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (pw, pw, ph, ph))
        windows = xp.unfold(2, kh, sh).unfold(3, kw, sw)  # (N, C, oH, oW, kH, kW)
        ctx.geometry, ctx.input_shape = ((kh, kw), (sh, sw), (ph, pw)), x.shape
        return windows[..., :, 0].sum(dim=-1) / kh  # sum over k of input_{i+k, j}, divided by C

    @staticmethod
    def backward(ctx, grad_out):
        (kh, kw), (sh, sw), (ph, pw) = ctx.geometry
        n, c, h, w = ctx.input_shape
        oh, ow = grad_out.shape[-2:]
        share = torch.zeros(n, c, kh, kw, oh * ow, dtype=grad_out.dtype)
        share[:, :, :, 0] = (grad_out / kh).reshape(n, c, 1, oh * ow)
        return F.fold(share.reshape(n, c * kh * kw, oh * ow), (h, w), (kh, kw), padding=(ph, pw),
                      stride=(sh, sw)), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
