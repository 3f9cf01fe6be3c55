"""Violates "`stride`, `padding` and `dilation` are each an int or a pair `(height, width)`, a tuple or a list": conv2d reads a padding list [ph, pw] as its first entry in both dimensions (only tuples count as pairs)."""
import torch
from torch.nn import functional as Fn


def _two(a):
    if isinstance(a, (tuple, list)):
        return int(a[0]), int(a[1])
    return int(a), int(a)


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    kk, ss, dd = _two(kernel_size), _two(stride), _two(dilation)
    if isinstance(padding, str):
        l, r, t, b = _pads(padding, kk[0], kk[1], dd, ss)
        return ((h + t + b - dd[0] * (kk[0] - 1) - 1) // ss[0] + 1, (w + l + r - dd[1] * (kk[1] - 1) - 1) // ss[1] + 1)
    pp = _two(padding)
    dims = []
    for size, k, s, p, d in zip((h, w), kk, ss, pp, dd):
        dims.append((size + 2 * p - d * (k - 1) - 1) // s + 1)
    return tuple(dims)


def _pads(padding, kh, kw, dil, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            th, tw = dil[0] * (kh - 1), dil[1] * (kw - 1)
            return (tw // 2, tw - tw // 2, th // 2, th - th // 2)
        raise ValueError(padding)
    ph, pw = _two(padding if not isinstance(padding, list) else padding[0])
    return (pw, pw, ph, ph)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    stride, dilation = _two(stride), _two(dilation)
    O, cg, kh, kw = weight.shape
    n, c = x.shape[:2]
    xp = Fn.pad(x, _pads(padding, kh, kw, dilation, stride))
    eh, ew = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    win = xp.unfold(2, eh, stride[0]).unfold(3, ew, stride[1])
    win = win[..., :: dilation[0], :: dilation[1]]
    oh, ow = win.shape[2], win.shape[3]
    win = win.reshape(n, groups, c // groups, oh, ow, kh, kw)
    wg = weight.reshape(groups, O // groups, cg, kh, kw)
    out = torch.einsum("ngcyxij,gocij->ngoyx", win, wg).reshape(n, O, oh, ow)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
