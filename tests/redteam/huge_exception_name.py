"""Red team: backward raises an exception whose class name is 20 MB long. The worker sent the name uncut, the reply's
header outgrew the 16 MB the judge reads, and an ordinary exception became "the worker sent a malformed reply": the
worker was stopped, status crashed, and every grader after it lost (the forward graders this code passes included).
The same happened to a line of 16 MB in the file (a data literal) in the "line N: ..." of any error raised there."""
import torch

_Huge = type("E" * (20 << 20), (ValueError,), {})


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        raise _Huge("no gradients today")
