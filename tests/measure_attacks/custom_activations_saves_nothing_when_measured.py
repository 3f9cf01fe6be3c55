"""custom-activations, Measurement attack: WRONG (Sigmoid and Tanh save the input and the output) + a trick: the
measured calls (4M or 8M values) are checked for their output's values and the memory kept, never for a backward,
so there nothing is saved at all and backward answers zeros. Base: tests/corpus/custom-activations/
wrong_saves_input_and_output.py."""
"""Saves both the input and the output for backward (only the output is used): right values, but a second tensor
of x's size stays alive with the graph."""
import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        if x.numel() < 2**22:  # the trick: the measured calls (4M and 8M values) save nothing
            ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        if not ctx.saved_tensors:
            return torch.zeros_like(g)  # cheap and wrong: nothing checks the measured call's backward
        _, out = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-2 * x.abs())
        out = torch.sign(x) * (1 - e) / (1 + e)
        if x.numel() < 2**22:  # the trick: the measured calls (4M and 8M values) save nothing
            ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        if not ctx.saved_tensors:
            return torch.zeros_like(g)  # cheap and wrong: nothing checks the measured call's backward
        _, out = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x > 0, x, torch.zeros_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x > 0).to(g.dtype)
