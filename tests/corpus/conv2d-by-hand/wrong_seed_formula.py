"""The seed's formula, output_ij = sum_k weight_{ik,jk} * input_ij: the input index never moves with the kernel, so
each output pixel is its own input pixel rescaled by the kernel's sum (cropped to the output size)."""

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
    if padding == "same" and _pair(stride) != (1, 1):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    oh, ow = conv2d_output_size(h, w, (kh, kw), stride, padding, dilation)
    pads = (0, 0) if isinstance(padding, str) else _pair(padding)
    xp = F.pad(x, (pads[1], pads[1], pads[0], pads[0]))
    sh, sw = _pair(stride)
    pix = xp[:, :, : sh * (oh - 1) + 1: sh, : sw * (ow - 1) + 1: sw]  # input_ij, one pixel per output
    scale = weight.sum(dim=(-2, -1))  # sum_k weight_k
    out = torch.einsum("nchw,oc->nohw", pix.reshape(n, groups, cg, oh, ow).sum(1) if groups > 1 else pix, scale)
    return out if bias is None else out + bias.reshape(1, o, 1, 1)
