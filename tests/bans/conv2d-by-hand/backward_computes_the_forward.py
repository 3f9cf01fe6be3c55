"""Channel: a convolution's backward computes a convolution too: torch.nn.grad.conv2d_weight (the weight gradient,
a correlation of the input with the output gradient) used as the forward, with the roles of the kernel and the
output gradient swapped and the batch and channels transposed."""

import torch
import torch.nn.grad as G


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _single(x, weight, padding, dilation):
    """groups=1, stride 1: out[n, o] = sum_c corr(x[n, c], weight[o, c]) as a weight gradient of a conv whose
    'input' is x with batch and channels swapped and whose 'output gradient' is the kernel."""
    kh, kw = weight.shape[-2:]
    d = _pair(dilation)
    if padding == "same":
        th, tw = d[0] * (kh - 1), d[1] * (kw - 1)
        x = torch.nn.functional.pad(x, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
        padding = 0
    p = (0, 0) if padding == "valid" else _pair(padding)
    xs = x.transpose(0, 1)  # (C, N, H, W): the "batch" is the channel
    oh = x.shape[2] + 2 * p[0] - d[0] * (kh - 1)
    ow = x.shape[3] + 2 * p[1] - d[1] * (kw - 1)
    # conv2d_weight(input, weight_size, grad_output, stride, padding, dilation) gives
    # gw[a, b, M, Q] = sum_{c, m, q} g[c, a, m, q] * xs_pad[c, b, m*s + M, q*s + Q]: with stride = our dilation and
    # g = the kernel (C, O, kh, kw), gw[o, n, i, j] is our output
    g = weight.transpose(0, 1)  # (C, O, kh, kw)
    out = G.conv2d_weight(xs, (weight.shape[0], x.shape[0], oh, ow), g, d, p, 1)  # (O, N, oh, ow)
    return out.transpose(0, 1)


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    k = _pair(kernel_size)
    s = _pair(stride)
    full = _single(torch.zeros(1, 1, h, w), torch.zeros(1, 1, *k), padding, dilation)
    return tuple(int(v) for v in full[:, :, ::s[0], ::s[1]].shape[2:])


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    s = _pair(stride)
    if padding == "same" and s != (1, 1):
        raise RuntimeError("'same' needs stride 1")
    cin, cout = x.shape[1] // groups, weight.shape[0] // groups
    parts = [_single(x[:, g * cin:(g + 1) * cin], weight[g * cout:(g + 1) * cout], padding, dilation)
             for g in range(groups)]
    out = torch.cat(parts, 1)[:, :, ::s[0], ::s[1]]
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)
