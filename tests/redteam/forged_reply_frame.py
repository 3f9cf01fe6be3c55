"""Red team: Writes a forged protocol frame into every pipe it holds."""
import torch
import os, struct, json
try:
    from safetensors.torch import save
    body = save({}, metadata={'prep': json.dumps({'v': 1, 'tree': {'$dict': {'ok': True, 'value': None}}})})
    frame = b'PREPWIRE' + struct.pack('<Q', len(body)) + body
    for fd in range(3, 64):
        try:
            if os.path.stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, frame)
        except OSError:
            pass
except Exception:
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
