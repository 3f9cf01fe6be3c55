"""Red team: answers every request in advance (fake "ok" replies on the reply pipe), then stops reading requests."""
import os
import time

import torch

from grader import wire

fake = wire.encode({"ok": True, "value": None})
for fd in range(3, 256):
    try:
        if not os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            continue
        for _ in range(2000):
            wire.write_frame(fd, fake)
    except OSError:
        continue
time.sleep(3600)  # never read another request


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
