"""Red team: forward returns an object whose comparisons are always true."""
import torch
class Yes:
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    def __bool__(self):
        return True
    def __getattr__(self, name):
        return lambda *a, **k: self


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return Yes()
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
