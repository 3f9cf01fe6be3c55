"""Right: Tanh's backward as grad_out - grad_out * t * t (and forwards in float64 cast back). In float16 near |t| = 1 it is off by an ulp of grad_out, as right an order of operations as grad_out * (1 - t * t); the float16 gradient is checked within the rounding of the terms it adds up (it lost a point under seed 7 before)."""
import torch
from torch.autograd import Function


def _stable_sigmoid64(x64):
    pos = x64 >= 0
    z = torch.exp(-x64.abs())          # in (0, 1]: never overflows
    num = torch.where(pos, torch.ones_like(z), z)
    return num / (1.0 + z)


def _stable_tanh64(x64):
    z = torch.exp(-2.0 * x64.abs())    # in (0, 1]
    mag = (1.0 - z) / (1.0 + z)
    return torch.where(x64 < 0, -mag, mag)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        s = _stable_sigmoid64(x.to(torch.float64)).to(x.dtype)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_out):
        (s,) = ctx.saved_tensors
        return grad_out * (s - s * s)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        t = _stable_tanh64(x.to(torch.float64)).to(x.dtype)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, grad_out):
        (t,) = ctx.saved_tensors
        return grad_out - grad_out * t * t


class ReLU(Function):
    @staticmethod
    def forward(ctx, x):
        mask = x > 0
        ctx.save_for_backward(mask)
        return x * mask.to(x.dtype)

    @staticmethod
    def backward(ctx, grad_out):
        (mask,) = ctx.saved_tensors
        return grad_out * mask.to(grad_out.dtype)
