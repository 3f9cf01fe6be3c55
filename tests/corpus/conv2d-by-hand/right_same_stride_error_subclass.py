"""RIGHT: raises a subclass of RuntimeError (SameStrideError) for padding='same' with a stride other than 1; the task asks
for RuntimeError, and isinstance(error, RuntimeError) holds. Otherwise F.unfold + einsum over the groups."""
import torch
import torch.nn.functional as F


class SameStrideError(RuntimeError):
    """A RuntimeError subclass for padding='same' with a stride other than 1 (the task asks for RuntimeError,
    and this is one)."""


def _pair(v):
    if isinstance(v, int):
        return (v, v)
    a, b = v
    return (int(a), int(b))


def _explicit_padding(kernel, padding, dilation):
    """[left, right, top, bottom] for F.pad."""
    (kh, kw), (dh, dw) = kernel, dilation
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        return [tw // 2, tw - tw // 2, th // 2, th - th // 2]
    ph, pw = _pair(padding)
    return [pw, pw, ph, ph]


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    (kh, kw), (sh, sw), (dh, dw) = _pair(kernel_size), _pair(stride), _pair(dilation)
    l, r, t, b = _explicit_padding((kh, kw), padding, (dh, dw))
    return tuple(int(v) for v in ((h + t + b - dh * (kh - 1) - 1) // sh + 1, (w + l + r - dw * (kw - 1) - 1) // sw + 1))


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    stride, dilation = _pair(stride), _pair(dilation)
    if isinstance(padding, str) and padding == "same" and stride != (1, 1):
        raise SameStrideError("padding='same' needs stride 1")
    O, Cg, kh, kw = weight.shape
    N, C, H, W = x.shape
    pads = _explicit_padding((kh, kw), padding, dilation)
    xp = F.pad(x, pads) if any(pads) else x
    oh, ow = conv2d_output_size(H, W, (kh, kw), stride, padding if isinstance(padding, str) else padding, dilation)
    cols = F.unfold(xp, (kh, kw), dilation=dilation, padding=0, stride=stride)      # N, C*kh*kw, L
    cols = cols.view(N, groups, Cg * kh * kw, oh * ow)
    wg = weight.reshape(groups, O // groups, Cg * kh * kw)
    out = torch.einsum("gok,ngkl->ngol", wg, cols).reshape(N, O, oh, ow)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
