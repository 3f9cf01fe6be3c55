"""Breaks softplus's second derivative at x = 0: backward builds sigmoid from exp(-|x|) by hand, so double backward
differentiates through abs at exactly 0 and gives 0 where sigmoid'(0) = 0.25.
(A blind right-variant round wrote it as right; the grader caught it.)"""
import torch
from torch.autograd import Function


def _sigmoid(x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Softplus(Function):
    @staticmethod
    def forward(input):
        pos = input + torch.log1p(torch.exp(-input))
        neg = torch.log1p(torch.exp(input))
        return torch.where(input > 0, pos, neg)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * _sigmoid(input)


def softplus(x):
    return Softplus.apply(x)
