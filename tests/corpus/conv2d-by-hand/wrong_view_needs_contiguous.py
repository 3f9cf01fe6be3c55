"""Kernel-offset loop that flattens the spatial dimensions with .view: right for contiguous inputs, but .view raises
for a transposed or strided input (reshape would copy when it must)."""

import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    (kh, kw), (sh, sw), (dh, dw) = _pair(kernel_size), _pair(stride), _pair(dilation)
    if padding == "same":
        return (h, w)
    ph, pw = (0, 0) if padding == "valid" else _pair(padding)
    return ((h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    if padding == "same":
        if (sh, sw) != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        th, tw = dh * (kh - 1), dw * (kw - 1)
        pads = (tw // 2, tw - tw // 2, th // 2, th - th // 2)
    else:
        ph, pw = (0, 0) if padding == "valid" else _pair(padding)
        pads = (pw, pw, ph, ph)
    flat = x.view(n, c, h * w)  # fails for non-contiguous x
    x = F.pad(flat.view(n, c, h, w), pads)
    oh, ow = conv2d_output_size(x.shape[2], x.shape[3], (kh, kw), (sh, sw), 0, (dh, dw))
    xg = x.reshape(n, groups, cg, x.shape[2], x.shape[3])
    wg = weight.view(groups, o // groups, cg, kh, kw)
    out = 0
    for m in range(kh):
        for q in range(kw):
            patch = xg[:, :, :, m * dh: m * dh + sh * (oh - 1) + 1: sh, q * dw: q * dw + sw * (ow - 1) + 1: sw]
            out = out + torch.einsum("ngchw,goc->ngohw", patch, wg[..., m, q])
    out = out.reshape(n, o, oh, ow)
    return out if bias is None else out + bias.view(1, o, 1, 1)
