"""Correct, written differently: no unfold. Both poolings loop over the kernel offsets (m, q); each offset is one
strided slice of the padded input. Max keeps a running maximum and the flat input index of its element, replacing
it only on a strictly larger value (so the first maximum in row-major order wins); its backward uses index_add_ on
the flattened gradient. Average pooling's backward adds each offset's share into a padded buffer with +=, then cuts
the padding off."""

import torch
import torch.nn.functional as F


def _two(v):
    return (int(v[0]), int(v[1])) if isinstance(v, (tuple, list)) else (int(v), int(v))


def _setup(x, kernel_size, stride, padding, fill):
    kh, kw = _two(kernel_size)
    sh, sw = (kh, kw) if stride is None else _two(stride)
    ph, pw = _two(padding)
    xp = F.pad(x, (pw, pw, ph, ph), value=fill)
    oh = (xp.shape[2] - kh) // sh + 1
    ow = (xp.shape[3] - kw) // sw + 1
    return (kh, kw, sh, sw, ph, pw, oh, ow), xp


def _slice(t, m, q, g):
    kh, kw, sh, sw, ph, pw, oh, ow = g
    return t[:, :, m:m + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw]


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        g, xp = _setup(x, kernel_size, stride, padding, float("-inf"))
        kh, kw, sh, sw, ph, pw, oh, ow = g
        H, W = x.shape[-2:]
        best, where = None, None
        for m in range(kh):
            for q in range(kw):
                cand = _slice(xp, m, q, g)
                rows = torch.arange(oh, device=x.device).view(-1, 1) * sh + m - ph
                cols = torch.arange(ow, device=x.device).view(1, -1) * sw + q - pw
                flat = (rows * W + cols).expand_as(cand)
                if best is None:
                    best, where = cand.clone(), flat.clone()
                else:
                    better = cand > best
                    best = torch.where(better, cand, best)
                    where = torch.where(better, flat, where)
        ctx.save_for_backward(where)
        ctx.hw = (H, W)
        return best

    @staticmethod
    def backward(ctx, grad):
        (where,) = ctx.saved_tensors
        H, W = ctx.hw
        n, c = grad.shape[:2]
        out = grad.new_zeros(n * c * H * W)
        base = (torch.arange(n * c, device=grad.device) * H * W).view(n, c, 1, 1)
        out.index_add_(0, (where + base).reshape(-1), grad.reshape(-1))
        return out.view(n, c, H, W), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        g, xp = _setup(x, kernel_size, stride, padding, 0.0)
        total = sum(_slice(xp, m, q, g) for m in range(g[0]) for q in range(g[1]))
        ctx.g, ctx.padded = g, xp.shape
        return total / (g[0] * g[1])

    @staticmethod
    def backward(ctx, grad):
        g = ctx.g
        kh, kw, sh, sw, ph, pw, oh, ow = g
        buf = grad.new_zeros(ctx.padded)
        share = grad / (kh * kw)
        for m in range(kh):
            for q in range(kw):
                _slice(buf, m, q, g).add_(share)
        return buf[:, :, ph:buf.shape[2] - ph, pw:buf.shape[3] - pw], None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
