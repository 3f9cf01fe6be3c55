"""The classic mask backward: upsample the output, compare it with the input (x == max of its window) and pass the
gradient to every element equal to its window's maximum. Fine without ties or overlaps, but tied elements all get
the gradient (and the mask is only right for non-overlapping windows without padding: nearest upsampling by the
stride)."""

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
        xp = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))
        out = xp.unfold(2, kh, sh).unfold(3, kw, sw).amax(dim=(-2, -1))
        ctx.save_for_backward(xp, out)
        ctx.geometry = ((kh, kw), (sh, sw), (ph, pw))
        return out

    @staticmethod
    def backward(ctx, grad_out):
        xp, out = ctx.saved_tensors
        (kh, kw), (sh, sw), (ph, pw) = ctx.geometry
        n, c, hp, wp = xp.shape
        oh, ow = out.shape[-2:]
        cols = xp.unfold(2, kh, sh).unfold(3, kw, sw)  # (N, C, oH, oW, kH, kW)
        mask = (cols == out[..., None, None]).to(grad_out.dtype)
        share = (mask * grad_out[..., None, None]).permute(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
        grad = F.fold(share, (hp, wp), (kh, kw), stride=(sh, sw))
        return grad[:, :, ph:hp - ph, pw:wp - pw], None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        (kh, kw), (sh, sw), (ph, pw) = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (pw, pw, ph, ph))
        ctx.geometry, ctx.input_shape = ((kh, kw), (sh, sw), (ph, pw)), x.shape
        return xp.unfold(2, kh, sh).unfold(3, kw, sw).sum(dim=(-2, -1)) / (kh * kw)

    @staticmethod
    def backward(ctx, grad_out):
        (kh, kw), (sh, sw), (ph, pw) = ctx.geometry
        n, c, h, w = ctx.input_shape
        oh, ow = grad_out.shape[-2:]
        share = (grad_out / (kh * kw)).reshape(n, c, 1, oh * ow).expand(n, c, kh * kw, oh * ow)
        return F.fold(share.reshape(n, c * kh * kw, oh * ow), (h, w), (kh, kw), padding=(ph, pw),
                      stride=(sh, sw)), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
