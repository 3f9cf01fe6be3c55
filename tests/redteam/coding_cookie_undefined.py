# coding: undefined
"""Red team: a PEP 263 cookie that names a codec Python has but that decodes nothing ("undefined" raises a bare
UnicodeError on any bytes; "punycode" on most text). The judge caught only UnicodeDecodeError: the exception escaped
grade() (prep check: a traceback; prep grade: infra_error, an empty score) instead of not_gradable."""
import torch


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
