"""Reference solution for fix-softplus (seed 000-36). The STUB regions are the seed's own code."""

# %%
import torch
from torch.autograd import Function


# %% [markdown]
# This is the seed's answer to "implement a custom softplus activation". It has two bugs
# that show up only on some inputs: find them and fix them.
#
# * softplus(x) = log(1 + exp(x)). Try x = 100 in float32, and x = -30.
# * Its derivative is 1 / (1 + exp(-x)), the sigmoid. Compare with what `backward` returns.
#
# Check float32 as well as float64: each has its own overflow point (exp(89) is inf in
# float32, exp(710) in float64) and its own tiny values.
#
# Keep `backward` built from differentiable tensor operations: double backward must work,
# and the second derivative must stay finite at the extremes too.
# `torch.nn.functional.softplus`, `torch.nn.Softplus` and their one-call equivalents
# (`torch.logaddexp(x, 0)`, `-F.logsigmoid(-x)`) are off limits: the point is to write the
# stable formula yourself.

# %%
class Softplus(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        ### BEGIN SOLUTION
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp never overflows and log1p keeps
        # full relative precision when e^-|x| is tiny.
        return input.clamp(min=0) + torch.log1p(torch.exp(-input.abs()))
        ### END SOLUTION
        ### BEGIN STUB
        # return torch.log(1 + torch.exp(input))
        ### END STUB

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        ### BEGIN SOLUTION
        grad_input = grad_output * torch.sigmoid(input)
        ### END SOLUTION
        ### BEGIN STUB
        # grad_input = grad_output * (1 + torch.exp(-input))
        ### END STUB
        return grad_input


def softplus(x):
    return Softplus.apply(x)
