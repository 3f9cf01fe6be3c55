"""Correct, written differently: im2col with F.unfold (after padding by hand, since F.unfold pads with zeros only),
argmax over the window dimension (the first maximum on ties), and both backward passes through F.fold, unfold's
adjoint: max pooling folds a one-hot column per window, average pooling a constant one. Geometry lives in a small
class; aliased imports."""

import torch as T
from torch.autograd import Function as Fn
from torch.nn import functional as nnf


class Win:
    def __init__(self, x_shape, kernel_size, stride, padding):
        two = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
        self.k = two(kernel_size)
        self.s = self.k if stride is None else two(stride)
        self.p = two(padding)
        self.n, self.c, self.h, self.w = x_shape
        self.oh = (self.h + 2 * self.p[0] - self.k[0]) // self.s[0] + 1
        self.ow = (self.w + 2 * self.p[1] - self.k[1]) // self.s[1] + 1

    def cols(self, x, fill):
        xp = nnf.pad(x, (self.p[1], self.p[1], self.p[0], self.p[0]), value=fill)
        cols = nnf.unfold(xp, self.k, stride=self.s)  # (N, C*kh*kw, L)
        return cols.view(self.n, self.c, self.k[0] * self.k[1], self.oh * self.ow)

    def fold(self, cols):
        return nnf.fold(cols.reshape(self.n, -1, self.oh * self.ow), (self.h, self.w), self.k, padding=self.p,
                        stride=self.s)


class MaxPool2d(Fn):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        win = Win(x.shape, kernel_size, stride, padding)
        cols = win.cols(x, float("-inf"))
        pos = cols.argmax(dim=2, keepdim=True)
        ctx.win = win
        ctx.save_for_backward(pos)
        return cols.gather(2, pos).view(win.n, win.c, win.oh, win.ow)

    @staticmethod
    def backward(ctx, grad_out):
        (pos,) = ctx.saved_tensors
        win = ctx.win
        onehot = grad_out.new_zeros(win.n, win.c, win.k[0] * win.k[1], win.oh * win.ow)
        onehot.scatter_(2, pos, grad_out.reshape(win.n, win.c, 1, -1))
        return win.fold(onehot), None, None, None


class AvgPool2d(Fn):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        win = Win(x.shape, kernel_size, stride, padding)
        ctx.win = win
        return win.cols(x, 0.0).mean(dim=2).view(win.n, win.c, win.oh, win.ow)

    @staticmethod
    def backward(ctx, grad_out):
        win = ctx.win
        area = win.k[0] * win.k[1]
        share = (grad_out / area).reshape(win.n, win.c, 1, -1).expand(-1, -1, area, -1)
        return win.fold(share), None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
