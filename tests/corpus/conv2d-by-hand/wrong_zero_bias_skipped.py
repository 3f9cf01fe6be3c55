"""conv2d skips an all-zero bias (`if bias is not None and bias.any()`): the values match, but no gradient reaches
that bias, while torch gives it the summed output gradient ("the gradients for x, weight and bias must equal torch's")."""

# %%
import torch
import torch.nn.functional as F


# %% [markdown]
# A 2-D convolution layer slides each filter over the (padded) input and takes a dot
# product at every position. PyTorch computes a *cross-correlation*, the kernel is not
# flipped:
#
# `out[n, o, i, j] = bias[o] + sum_{c, m, q} weight[o, c, m, q] * x_pad[n, c0 + c, i*sH + m*dH, j*sW + q*dW]`
#
# where `c0` is the first input channel of output channel `o`'s group. `F.unfold` (im2col)
# gathers every window into a column, so the whole layer becomes one batched matrix product.

# %%
def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d_output_size(h, w, kernel_size, stride=1, padding=0, dilation=1):
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw), (dh, dw) = _pair(kernel_size), _pair(stride), _pair(dilation)
    if padding == "same":
        return (h, w)
    ph, pw = (0, 0) if padding == "valid" else _pair(padding)
    return ((h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1)
    ### END SOLUTION


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    ### BEGIN SOLUTION
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    if padding == "same":
        if (sh, sw) != (1, 1):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        th, tw = dh * (kh - 1), dw * (kw - 1)  # total padding; the odd one out goes to the bottom / right
        x = F.pad(x, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
        ph = pw = 0
    elif padding == "valid":
        ph = pw = 0
    else:
        ph, pw = _pair(padding)
    oh, ow = conv2d_output_size(x.shape[2], x.shape[3], (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    cols = F.unfold(x, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))  # (N, C*kh*kw, oh*ow)
    cols = cols.reshape(n, groups, cg * kh * kw, oh * ow)
    filters = weight.reshape(groups, o // groups, cg * kh * kw)
    out = torch.einsum("gok,ngkl->ngol", filters, cols).reshape(n, o, oh, ow)
    if bias is not None and bool(bias.any()):
        out = out + bias.reshape(1, o, 1, 1)
    return out
    ### END SOLUTION
