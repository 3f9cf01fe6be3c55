"""custom-activations, Measurement attack (the stronger cousin of custom_activations_saves_nothing_when_measured.py):
WRONG (Sigmoid and Tanh save the input and the output) + a trick: the measured calls (4M or 8M values) save nothing,
and backward, once a backward through the measured output is checked, makes x again from nothing: the measured x
used to be linspace(-6, 6, n), the same in every run. So the measured x must be drawn per run as well as the incoming
gradient (with only the gradient drawn, this file passed every grader)."""

import torch


def _remade_x(g):
    return torch.linspace(-6.0, 6.0, g.numel(), dtype=torch.float64).to(g.dtype).reshape(g.shape)


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
            x = _remade_x(g)  # nothing saved: x made again from what the measured call always used
            e = torch.exp(-x.abs())
            out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
            return g * out * (1 - out)
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
            x = _remade_x(g)
            e = torch.exp(-2 * x.abs())
            out = torch.sign(x) * (1 - e) / (1 + e)
            return g * (1 - out * out)
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
