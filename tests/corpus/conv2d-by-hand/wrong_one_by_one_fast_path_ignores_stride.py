"""Violates 'the result of torch.nn.functional.conv2d with the same arguments': a 'fast path' for 1x1 kernels runs a channel matmul on the (padded) input and ignores the stride."""
import torch
import torch.nn.functional as Fn


def _two(v):
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _pads(padding, kh, kw, sh, sw, dh, dw):
    """Return (top, bottom, left, right)."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        if sh != 1 or sw != 1:
            raise RuntimeError("padding='same' needs stride 1")
        th, tw = dh * (kh - 1), dw * (kw - 1)
        return th // 2, th - th // 2, tw // 2, tw - tw // 2
    ph, pw = _two(padding)
    return ph, ph, pw, pw


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    kh, kw = _two(kernel_size)
    sh, sw = _two(stride)
    dh, dw = _two(dilation)
    t, b, l, r = _pads(padding, kh, kw, sh, sw, dh, dw)
    out_h = (h + t + b - dh * (kh - 1) - 1) // sh + 1
    out_w = (w + l + r - dw * (kw - 1) - 1) // sw + 1
    return int(out_h), int(out_w)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    sh, sw = _two(stride)
    dh, dw = _two(dilation)
    t, b, l, r = _pads(padding, kh, kw, sh, sw, dh, dw)
    xp = Fn.pad(x, (l, r, t, b))
    oh, ow = conv2d_output_size(h + t + b, w + l + r, (kh, kw), (sh, sw), 0, (dh, dw))
    xg = xp.reshape(n, groups, cg, xp.shape[2], xp.shape[3])
    wg = weight.reshape(groups, o // groups, cg, kh, kw)
    if kh == 1 and kw == 1:
        y = torch.einsum("ngchw,goc->ngohw", xg, wg[:, :, :, 0, 0]).reshape(n, o, xp.shape[2], xp.shape[3])
        return y if bias is None else y + bias[None, :, None, None]
    acc = None
    for m in range(kh):
        for q in range(kw):
            r0, c0 = m * dh, q * dw
            win = xg[:, :, :, r0:r0 + sh * (oh - 1) + 1:sh, c0:c0 + sw * (ow - 1) + 1:sw]
            term = torch.einsum("ngcij,goc->ngoij", win, wg[:, :, :, m, q])
            acc = term if acc is None else acc + term
    out = acc.reshape(n, o, oh, ow)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
