"""Channel: another library's built-ins: NumPy's tanh (sigmoid = (1 + tanh(x / 2)) / 2) and math.tanh, outside torch's dispatcher; relu through torch.nn.functional.rrelu with a zero slope."""
import torch
import math

import numpy


def _sig(x):
    return torch.from_numpy(0.5 * (1 + numpy.tanh(x.detach().cpu().double().numpy() / 2))).to(x)


def _tanh(x):
    return torch.tensor([math.tanh(v) for v in x.detach().double().reshape(-1).tolist()], dtype=torch.float64).reshape(x.shape).to(x)


def _relu(x):
    return torch.nn.functional.rrelu(x, 0.0, 0.0)


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
        (x,) = ctx.saved_tensors
        return g * (x > 0).to(g.dtype)
