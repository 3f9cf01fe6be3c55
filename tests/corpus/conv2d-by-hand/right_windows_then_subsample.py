"""Correct, written differently: Tensor.unfold makes a view of every stride-1 window of the dilated kernel's extent,
the dilation picks every d-th element of a window, the groups are a Python loop joined with torch.cat, and the
strided result is the stride-1 result subsampled (out[i] = full[i * s]). Aliased imports, a class for the
arguments, and a method named backward that has nothing to do with autograd."""

import torch as T
from torch.nn import functional as nnf


class Geometry:
    def __init__(self, kernel, stride, padding, dilation):
        pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
        self.k, self.s, self.d = pair(kernel), pair(stride), pair(dilation)
        self.padding = padding if isinstance(padding, str) else pair(padding)

    def extent(self, i):
        return self.d[i] * (self.k[i] - 1) + 1

    def pads(self):
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            th, tw = self.extent(0) - 1, self.extent(1) - 1
            return (tw // 2, tw - tw // 2, th // 2, th - th // 2)
        return (self.padding[1], self.padding[1], self.padding[0], self.padding[0])

    def backward(self, size, i):
        """Not autograd: walks from an input size back to the output size."""
        before, after = self.pads()[2 * (1 - i)], self.pads()[2 * (1 - i) + 1]
        return (size + before + after - self.extent(i)) // self.s[i] + 1


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    g = Geometry(kernel_size, stride, padding, dilation)
    return (g.backward(h, 0), g.backward(w, 1))


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    g = Geometry(weight.shape[-2:], stride, padding, dilation)
    if g.padding == "same" and g.s != (1, 1):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    xp = nnf.pad(x, g.pads())
    win = xp.unfold(2, g.extent(0), 1).unfold(3, g.extent(1), 1)  # (N, C, H', W', eh, ew)
    win = win[..., ::g.d[0], ::g.d[1]]  # (N, C, H', W', kh, kw)
    cin, cout = x.shape[1] // groups, weight.shape[0] // groups
    parts = []
    for grp in range(groups):
        w_g = weight[grp * cout:(grp + 1) * cout]
        x_g = win[:, grp * cin:(grp + 1) * cin]
        parts.append(T.einsum("nchwij,ocij->nohw", x_g, w_g))
    full = T.cat(parts, dim=1)
    out = full[:, :, ::g.s[0], ::g.s[1]]
    if bias is not None:
        out = out + bias.view(-1, 1, 1)
    return out
