"""Red team: System V shared memory: seven 512 MiB segments, touched and detached, outlive the process."""
import ctypes

import torch

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
for _ in range(7):
    ident = libc.shmget(0, 512 << 20, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
    if ident < 0:
        break
    address = libc.shmat(ident, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        break
    ctypes.memset(address, 1, 512 << 20)
    libc.shmdt(ctypes.c_void_p(address))


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
