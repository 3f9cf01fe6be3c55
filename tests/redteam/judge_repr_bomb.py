"""Red team: every forward answers with a dict of 64 tensors of shape (2,) * 12 (4096 numbers each, 1 MB in all)
instead of a tensor. Each grader fails on it at once, and says what it received: checks.summarize gave a dict to
repr(), which formatted every tensor in it, in full (torch summarizes a tensor above 1000 numbers by each dimension's
edge items, and a dimension of 2 has nothing to leave out): about 0.5 s of the judge's CPU per tensor, half a minute
per grader's message, minutes per check, with no deadline (the judge's own work has none). A reply of 16 MB of such
tensors held a batch's judge for hours. tests/test_trust.py checks the judge's CPU time."""
import torch

ANSWER = {f"part{i}": torch.randn((2,) * 12) for i in range(64)}


class Mul(torch.autograd.Function):
    """The same wrong solution in every file, plus an answer that is slow to print."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return ANSWER if x.dim() < 8 else x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
