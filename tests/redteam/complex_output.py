"""Red team: forward returns a complex tensor."""
import torch


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return (x * y).to(torch.complex128)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
