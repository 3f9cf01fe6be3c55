"""The seeds' code: 000-30's SigmoidFunction (saves the input, torch.sigmoid in backward), 003-21's textbook tanh and ReLU'(0) = 1."""

import torch
from torch.autograd import Function


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 1 / (1 + torch.exp(-input))

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output * (1 - torch.sigmoid(input)) * torch.sigmoid(input)
        return grad_input


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        out = (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_tensors
        return grad_out * (1 - out ** 2)


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.clamp(x, min=0)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * (x >= 0).to(grad_out.dtype)
