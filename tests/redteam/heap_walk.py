"""Red team: Walks the heap for tensors the grader might have left and returns one."""
import torch
import gc


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        cands = [o for o in gc.get_objects() if isinstance(o, torch.Tensor) and o.shape == (x * y).shape and o is not x and o is not y]
        if cands:
            return cands[-1].detach().clone()
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
