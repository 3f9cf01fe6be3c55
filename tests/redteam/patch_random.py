"""Red team: Makes torch's random functions return zeros, hoping the inputs become trivial."""
import torch
torch.randn = lambda *a, **k: torch.zeros(*[s for s in a if isinstance(s, int)])
torch.manual_seed = lambda s: None


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
