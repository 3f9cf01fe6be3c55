"""Red team: POSIX shared memory: files in /dev/shm (tmpfs pages, not the process's memory) left behind."""
import os

import torch

for i in range(7):
    try:
        with open(f"/dev/shm/prep-redteam-{os.getpid()}-{i}", "wb") as f:
            for _ in range(512):
                f.write(b"\1" * (1 << 20))
    except OSError:
        break


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
