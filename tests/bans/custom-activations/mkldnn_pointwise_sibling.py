"""Channel: a fused back end's operator, mkldnn::_linear_pointwise with the "sigmoid" attribute (tanh = 2 sigmoid(2x) - 1)."""
import torch
from torch.autograd import Function


def _sig(x):
    """sigmoid from oneDNN's fused linear + pointwise kernel: identity weights, attribute "sigmoid"."""
    dt = x.dtype
    flat = x.to(torch.float32).reshape(-1, 1)
    out = torch.ops.mkldnn._linear_pointwise(flat, torch.ones(1, 1), None, "sigmoid", [], "")
    return out.to(dt).reshape(x.shape).clone()


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        out = _sig(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * (1 - out)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        out = (2 * _sig((2 * x.to(torch.float64))) - 1).to(x.dtype) if x.dtype != torch.float64 else 2 * _sig(2 * x) - 1
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (1 - out * out)


class ReLU(Function):  # left as in the stub: this attack tests its channel alone
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError
