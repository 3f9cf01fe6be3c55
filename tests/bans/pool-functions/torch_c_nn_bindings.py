"""Channel: torch._C bindings: torch._C._nn.max_pool2d_with_indices and torch._C._nn.avg_pool2d, forward and (recomputed
under enable_grad, autograd asked for the gradient) backward."""

import torch

_nn = torch._C._nn


def _pair(v):
    return [v, v] if isinstance(v, int) else [int(v[0]), int(v[1])]


def _geometry(kernel_size, stride, padding):
    k = _pair(kernel_size)
    return k, (k if stride is None else _pair(stride)), _pair(padding)


class MaxPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        ctx.save_for_backward(x)
        ctx.geometry = (k, s, p)
        return _nn.max_pool2d_with_indices(x, k, s, p, [1, 1], False)[0]

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        k, s, p = ctx.geometry
        with torch.enable_grad():
            leaf = x.detach().requires_grad_()
            (grad,) = torch.autograd.grad(_nn.max_pool2d_with_indices(leaf, k, s, p, [1, 1], False)[0], leaf, grad_out)
        return grad, None, None, None


class AvgPool2d(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        k, s, p = _geometry(kernel_size, stride, padding)
        ctx.save_for_backward(x)
        ctx.geometry = (k, s, p)
        return _nn.avg_pool2d(x, k, s, p, False, True, None)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        k, s, p = ctx.geometry
        with torch.enable_grad():
            leaf = x.detach().requires_grad_()
            (grad,) = torch.autograd.grad(_nn.avg_pool2d(leaf, k, s, p, False, True, None), leaf, grad_out)
        return grad, None, None, None


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
