"""State: caches max pooling's window-origin grid per input size (H, W) in a module dict, recomputing it only when the
output size differs; a later call on an input of the same size with another stride and kernel but the same output
size (6x6 with kernel 2 stride 2, then kernel 4 stride 1: both 3x3) routes its gradient through the first call's
windows. Breaks "Max pooling's backward sends each output's gradient to the one element that was its window's
maximum". Round 21: full marks under seed 1 before same_size_calls_match."""
import torch
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(kernel_size, stride, padding):
    """(kH, kW), (sH, sW), (pH, pW); stride None means the kernel size."""
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


def _windows(xp, k, s):
    """(N, C, oH, oW, kH * kW) view of the windows of the padded input."""
    w = xp.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])
    return w.reshape(*w.shape[:4], k[0] * k[1])


_GRID = {}


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (p[1], p[1], p[0], p[0]), value=float("-inf"))  #PADVALUE#
        win = _windows(xp, k, s)
        a = win.argmax(dim=-1)
        out = win.gather(-1, a.unsqueeze(-1)).squeeze(-1)
        oH, oW = out.shape[2], out.shape[3]
        key = (x.shape[2], x.shape[3], x.device)
        if key not in _GRID:
            _GRID[key] = (torch.arange(oH, device=x.device).view(oH, 1) * s[0],
                          torch.arange(oW, device=x.device).view(1, oW) * s[1])
        r0, c0 = _GRID[key]
        if r0.shape[0] != oH or c0.shape[1] != oW:
            r0 = torch.arange(oH, device=x.device).view(oH, 1) * s[0]
            c0 = torch.arange(oW, device=x.device).view(1, oW) * s[1]
        rows = r0 + a // k[1]
        cols = c0 + a % k[1]
        ctx.idx = rows * xp.shape[3] + cols  #IDX#
        ctx.geom = (x.shape, xp.shape, p)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        shape, pshape, p = ctx.geom
        N, C = shape[0], shape[1]
        g = grad_out.new_zeros(N, C, pshape[2] * pshape[3])
        g.scatter_add_(2, ctx.idx.reshape(N, C, -1), grad_out.reshape(N, C, -1))
        g = g.view(N, C, pshape[2], pshape[3])
        return g[:, :, p[0]:p[0] + shape[2], p[1]:p[1] + shape[3]], None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        xp = F.pad(x, (p[1], p[1], p[0], p[0]))
        out = _windows(xp, k, s).sum(-1) / (k[0] * k[1])
        ctx.geom = (x.shape, k, s, p)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        shape, k, s, p = ctx.geom
        N, C, oH, oW = grad_out.shape
        cols = (grad_out / (k[0] * k[1])).reshape(N, C, 1, oH * oW).expand(N, C, k[0] * k[1], oH * oW)
        g = F.fold(cols.reshape(N, C * k[0] * k[1], oH * oW), (shape[2], shape[3]), k, stride=s, padding=p)
        return g, None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
