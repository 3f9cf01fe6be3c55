"""Correct, written differently: no unfold. Pad with F.pad, then loop over the kernel offsets (m, q); each offset
contributes one strided slice of the padded input, contracted over the group's channels with einsum. The output size
comes from a helper that uses math.floor on a true division."""

import math

import torch
import torch.nn.functional as F


def _two(v):
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _size(n, k, s, p, d):
    return math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    kh, kw = _two(kernel_size)
    dh, dw = _two(dilation)
    if padding == "same":
        return h, w
    if padding == "valid":
        padding = 0
    ph, pw = _two(padding)
    sh, sw = _two(stride)
    return _size(h, kh, sh, ph, dh), _size(w, kw, sw, pw, dw)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    N, C, H, W = x.shape
    O, Cg, kh, kw = weight.shape
    sh, sw = _two(stride)
    dh, dw = _two(dilation)
    if isinstance(padding, str):
        if padding == "same":
            if sh != 1 or sw != 1:
                raise RuntimeError("'same' needs stride 1")
            top, left = dh * (kh - 1) // 2, dw * (kw - 1) // 2
            pads = (left, dw * (kw - 1) - left, top, dh * (kh - 1) - top)
        else:
            pads = (0, 0, 0, 0)
    else:
        ph, pw = _two(padding)
        pads = (pw, pw, ph, ph)
    xp = F.pad(x, pads)
    Hp, Wp = xp.shape[-2:]
    oh = (Hp - dh * (kh - 1) - 1) // sh + 1
    ow = (Wp - dw * (kw - 1) - 1) // sw + 1
    xg = xp.reshape(N, groups, Cg, Hp, Wp)
    wg = weight.reshape(groups, O // groups, Cg, kh, kw)
    out = None
    for m in range(kh):
        for q in range(kw):
            r0, c0 = m * dh, q * dw
            patch = xg[:, :, :, r0:r0 + sh * (oh - 1) + 1:sh, c0:c0 + sw * (ow - 1) + 1:sw]
            term = torch.einsum("ngchw,goc->ngohw", patch, wg[:, :, :, m, q])
            out = term if out is None else out + term
    out = out.reshape(N, O, oh, ow)
    return out if bias is None else out + bias[None, :, None, None]
