"""A correct solution written differently: a log-space sigmoid, tanh(x) = 2 sigmoid(2x) - 1, and ReLU saving a boolean mask."""

import torch


def _sigmoid(x):
    # sigmoid(x) = exp(-softplus(-x)), with softplus written stably via log1p
    return torch.exp(-(torch.clamp(-x, min=0) + torch.log1p(torch.exp(-x.abs()))))


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = _sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * (y - y * y)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = 2 * _sigmoid(2 * x) - 1
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * (1 + y) * (1 - y)


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        positive = x > 0
        ctx.save_for_backward(positive)
        return x * positive

    @staticmethod
    def backward(ctx, grad):
        positive, = ctx.saved_tensors
        return torch.where(positive, grad, torch.zeros_like(grad))
