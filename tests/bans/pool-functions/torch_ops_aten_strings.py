"""Channel: torch.ops.aten, the operators named through strings built at run time (getattr on "max_pool2d" +
"_with_indices" and the like), forward and backward kernels."""

import torch


def _op(*parts):
    return getattr(torch.ops.aten, "".join(parts))


def _pair(v):
    return [v, v] if isinstance(v, int) else [int(v[0]), int(v[1])]


def _geometry(kernel_size, stride, padding):
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        out, idx = _op("max_", "pool2d", "_with_indices")(x, k, s, p)
        ctx.save_for_backward(x, idx)
        ctx.geometry = (k, s, p)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        x, idx = ctx.saved_tensors
        k, s, p = ctx.geometry
        grad = _op("max_", "pool2d", "_with_indices", "_backward")(grad_out, x, k, s, p, [1, 1], False, idx)
        return grad, None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        ctx.save_for_backward(x)
        ctx.geometry = (k, s, p)
        return _op("avg_", "pool2d")(x, k, s, p)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        k, s, p = ctx.geometry
        grad = _op("avg_", "pool2d", "_backward")(grad_out, x, k, s, p, False, True, None)
        return grad, None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
