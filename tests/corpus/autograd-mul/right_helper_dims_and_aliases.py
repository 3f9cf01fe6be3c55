"""Correct, written differently: aliased imports, a helper that finds the broadcast dimensions from the shapes
(torch.broadcast_shapes) and sums them in one call, the inputs stored as ctx attributes, and a loop over inputs."""
import torch as T
from torch.autograd import Function as AutogradFunction


def _unbroadcast(grad, shape):
    full = grad.shape
    lead = len(full) - len(shape)
    dims = list(range(lead))
    dims += [lead + i for i, n in enumerate(shape) if n == 1 and full[lead + i] != 1]
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad.reshape(shape)


class Mul(AutogradFunction):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.out_shape = T.broadcast_shapes(a.shape, b.shape)
        return a.mul(b)

    @staticmethod
    def backward(ctx, upstream):
        a, b = ctx.saved_tensors
        result = []
        for me, other, wanted in ((a, b, ctx.needs_input_grad[0]), (b, a, ctx.needs_input_grad[1])):
            result.append(_unbroadcast(other * upstream, me.shape) if wanted else None)
        return tuple(result)
