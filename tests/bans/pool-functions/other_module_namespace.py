"""Channel: another module's namespace: the F that torch.nn.modules.pooling imported (F.max_pool2d and F.avg_pool2d
reached as torch.nn.modules.pooling.F.*), forward and backward (the backward recomputes through the same function
under enable_grad and asks autograd for the gradient)."""

import importlib

import torch

_F = importlib.import_module("torch.nn.modules.pooling").F


def _through(fn):
    class Pool(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, kernel_size, stride, padding):
            ctx.save_for_backward(x)
            ctx.args = (kernel_size, stride, padding)
            return fn(x, *ctx.args)

        @staticmethod
        def backward(ctx, grad_out):
            (x,) = ctx.saved_tensors
            with torch.enable_grad():
                leaf = x.detach().requires_grad_()
                (grad,) = torch.autograd.grad(fn(leaf, *ctx.args), leaf, grad_out)
            return grad, None, None, None

    return Pool


MaxPool2d = _through(getattr(_F, "max_pool2d"))
AvgPool2d = _through(getattr(_F, "avg_pool2d"))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    return MaxPool2d.apply(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    return AvgPool2d.apply(x, kernel_size, stride, padding)
