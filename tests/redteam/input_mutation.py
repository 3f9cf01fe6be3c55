"""Red team: Zeroes its input tensors in place after computing."""
import torch


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        out = x * y
        with torch.no_grad():
            x.zero_()
            y.zero_()
        return out
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
