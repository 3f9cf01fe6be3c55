"""The seed's code unchanged: backward returns 1 + exp(-x), and the forward overflows."""
import torch
from torch.autograd import Function


class Softplus(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return torch.log(1 + torch.exp(input))

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * (1 + torch.exp(-input))


def softplus(x):
    return Softplus.apply(x)
