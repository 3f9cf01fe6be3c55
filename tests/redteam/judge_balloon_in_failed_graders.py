"""Red team: every forward answers with the same 16 MB tensor (made once, so the worker holds it once). Each grader
fails on it at once, yet the judge kept every failed grader's exception, whose traceback holds the grader's frames and
so the reply they were reading (through pytest's reference cycles, even once the records let go): the JUDGE grew by a
reply per failed grader, with no limit (the worker has one: 3 GB). 256 MB replies took logistic-regression's judge
from 310 MB to 2.4 GB in 8 graders; under Dask, a nanny restarts a judge past its memory budget and the scheduler
hands the job to the next judge. tests/test_trust.py checks that no failed grader's reply stays alive."""
import torch

BIG = torch.zeros(2 << 20, dtype=torch.float64)  # 16 MB


class Mul(torch.autograd.Function):
    """The same wrong solution in every file, plus a large wrong answer."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return BIG.clone() if x.dim() < 8 else x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
