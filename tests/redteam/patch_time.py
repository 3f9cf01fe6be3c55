"""Red team: Patches time functions (a grader that trusted them would be fooled)."""
import torch
import time
time.time = lambda: 0.0
time.perf_counter = lambda: 0.0
time.monotonic = lambda: 0.0


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        pass
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
