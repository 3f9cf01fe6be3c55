"""Like the seed's 000-30: Sigmoid saves its input and recomputes the sigmoid in backward (right values, wrong saved tensor)."""

import torch
from torch.autograd import Function

class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        # exp(-|x|) never overflows; split on the sign so that 1 + e stays away from inf
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return grad_out * out * (1 - out)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        # tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) in (0, 1]: no inf / inf
        e = torch.exp(-2 * x.abs())
        out = torch.sign(x) * (1 - e) / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_tensors
        return grad_out * (1 - out * out)


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x > 0, x, torch.zeros_like(x))

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        # strictly positive: the gradient at exactly 0 is 0, as for torch.relu
        return grad_out * (x > 0).to(grad_out.dtype)
