"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: avg_pool2d wrapper switches grad mode on ("so the Function records") without restoring it."""
"""Reference solution for pool-functions (seeds 004-08, 004-23)."""

# %%
import torch
import torch.nn.functional as F


# %% [markdown]
# Pooling slides a `kH x kW` window over each channel with stride `(sH, sW)` and keeps one
# number per window: the largest value (max pooling) or the mean (average pooling).
# Window `(i, j)` covers rows `i*sH .. i*sH + kH - 1` and columns `j*sW .. j*sW + kW - 1`
# of the padded input. `Tensor.unfold` gives every window as a view:
# `x.unfold(2, kH, sH).unfold(3, kW, sW)` has shape `(N, C, oH, oW, kH, kW)`.
#
# The backward passes are the point of this exercise: max pooling sends each output's
# gradient to the one element that was its window's maximum, average pooling spreads it
# evenly over the window, and where windows overlap the shares add up.

# %%
def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    """(kH, kW), (sH, sW), (pH, pW); stride None means the kernel size."""
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


# %%
class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        ### BEGIN SOLUTION
        (kh, kw), (sh, sw), (ph, pw) = _geometry(kernel_size, stride, padding)
        n, c, h, w = x.shape
        xp = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))  # a padded position is never the maximum
        windows = xp.unfold(2, kh, sh).unfold(3, kw, sw)  # (N, C, oH, oW, kH, kW)
        oh, ow = windows.shape[2], windows.shape[3]
        out, pos = windows.reshape(n, c, oh, ow, kh * kw).max(dim=-1)  # ties: the first in row-major order
        rows = torch.arange(oh, device=x.device).view(oh, 1) * sh + pos // kw - ph  # in the unpadded input
        cols = torch.arange(ow, device=x.device) * sw + pos % kw - pw
        ctx.save_for_backward(rows * w + cols)
        ctx.input_shape = x.shape
        return out
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        (index,) = ctx.saved_tensors
        n, c, h, w = ctx.input_shape
        grad_x = grad_out.new_zeros(n, c, h * w)
        # scatter_add_: an element that is the maximum of several (overlapping) windows gets the sum of their gradients
        grad_x.scatter_add_(2, index.reshape(n, c, -1), grad_out.reshape(n, c, -1))
        return grad_x.reshape(n, c, h, w), None, None, None
        ### END SOLUTION


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        ### BEGIN SOLUTION
        (kh, kw), (sh, sw), (ph, pw) = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (pw, pw, ph, ph))  # zeros, counted in the divisor (count_include_pad=True)
        windows = xp.unfold(2, kh, sh).unfold(3, kw, sw)
        ctx.geometry = ((kh, kw), (sh, sw), (ph, pw))
        ctx.input_shape = x.shape
        return windows.sum(dim=(-2, -1)) / (kh * kw)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_out):
        ### BEGIN SOLUTION
        (kh, kw), (sh, sw), (ph, pw) = ctx.geometry
        n, c, h, w = ctx.input_shape
        oh, ow = grad_out.shape[-2:]
        share = (grad_out / (kh * kw)).reshape(n, c, 1, oh * ow).expand(n, c, kh * kw, oh * ow)
        # fold is unfold's adjoint: it adds every window's column back onto the input, overlaps summed, padding cut off
        grad_x = F.fold(share.reshape(n, c * kh * kw, oh * ow), (h, w), (kh, kw), padding=(ph, pw), stride=(sh, sw))
        return grad_x, None, None, None
        ### END SOLUTION


# %%
def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    torch.set_grad_enabled(True)
    return AvgPool2d.apply(x, kernel_size, stride, padding)
