"""Channel: a sibling operator: a stride-1 convolution is a transposed convolution of the flipped, transposed kernel
with padding d(k - 1) - p (torch.nn.functional.conv_transpose2d, reached through torch.conv_transpose2d's C
binding); strides subsample the stride-1 result."""

import torch


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _full(x, weight, padding, dilation, groups):
    kh, kw = weight.shape[-2:]
    d = _pair(dilation)
    if padding == "same":
        th, tw = d[0] * (kh - 1), d[1] * (kw - 1)
        x = torch.nn.functional.pad(x, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
        p = (0, 0)
    else:
        p = (0, 0) if padding == "valid" else _pair(padding)
    o, cg = weight.shape[:2]
    w = weight.flip(-2, -1).reshape(groups, o // groups, cg, kh, kw).transpose(1, 2).reshape(groups * cg, o // groups,
                                                                                               kh, kw)
    pad = (d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1])
    return torch._C._VariableFunctions.conv_transpose2d(x, w, None, 1, pad, 0, groups, d)


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    k = _pair(kernel_size)
    s = _pair(stride)
    full = _full(torch.zeros(1, 1, h, w), torch.zeros(1, 1, *k), padding, dilation, 1)
    return tuple(int(v) for v in full[:, :, ::s[0], ::s[1]].shape[2:])


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    s = _pair(stride)
    if padding == "same" and s != (1, 1):
        raise RuntimeError("'same' needs stride 1")
    out = _full(x, weight, padding, dilation, groups)[:, :, ::s[0], ::s[1]]
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)
