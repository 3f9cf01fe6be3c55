# %% [markdown]
# # Fix the sample answer's softplus: a stable forward and the right backward
#
# `fix-softplus` · fix-bug · medium · about 20 min
#
# The stub is the sample answer. Fix it so that `class Softplus(torch.autograd.Function)` and `softplus(x)` compute
# softplus(x) = log(1 + exp(x)) stably, in float32 and in float64 alike (the result keeps x's dtype and shape): finite
# and accurate to float precision (a few dozen units in the last place, relative, also where the value is tiny, such as
# e^-80) for every finite input, |x| up to 1e4 and the dtype's largest values included.
#
# Backward returns `sigmoid(x)` times the incoming gradient, finite and accurate to float precision for every finite
# input as well. Double backward works (gradgradcheck), and the second derivative is finite for every finite input too.
#
# `torch.nn.functional.softplus` and `nn.Softplus` are off limits, and so are their one-call equivalents
# `torch.logaddexp(x, 0)` (and `logaddexp2`) and `-F.logsigmoid(-x)`: write the stable formula yourself. `torch.sigmoid`
# is fine in backward.
#
# Check your work: `prep check fix-softplus`. Stuck? `prep hint fix-softplus`.

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
        return torch.log(1 + torch.exp(input))

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output * (1 + torch.exp(-input))
        return grad_input


def softplus(x):
    return Softplus.apply(x)
