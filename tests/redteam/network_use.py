"""Red team: Tries the network (loopback only): a TCP connection and a DNS lookup."""
import torch
import socket
for target in (('127.0.0.1', 80), ('localhost', 8888)):
    try:
        socket.create_connection(target, timeout=0.5).close()
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
