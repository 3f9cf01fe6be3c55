"""State across calls: memo keyed on (shape, dtype, first element).
Breaks "compute softplus(x) = log(1 + exp(x)) ... for every finite input": a second call with another tensor of the
same shape and first element returns the first call's result. A learner "speeding up" repeated calls writes it.
"""
import torch
from torch.autograd import Function

_memo = {}

class Softplus(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0) + torch.log1p(torch.exp(-input.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * torch.sigmoid(input)


def softplus(x):
    key = (tuple(x.shape), x.dtype, float(x.reshape(-1)[0]) if x.numel() else None)
    if key not in _memo:
        _memo[key] = Softplus.apply(x)
    return _memo[key]
