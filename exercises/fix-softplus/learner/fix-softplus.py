# %% [markdown]
# # Fix the seed's softplus: a stable forward and the right backward
#
# `fix-softplus` · fix-bug · medium · about 20 min
#
# The stub is the seed's answer. Fix it so that `class Softplus(torch.autograd.Function)` and `softplus(x)` compute
# softplus(x) = log(1 + exp(x)) stably: finite and accurate to float precision (relative error, also where the value is
# tiny) for every finite float32 and float64 input, |x| up to 1e4 included; backward returns `sigmoid(x)` times the
# incoming gradient; and double backward works.
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
# Keep `backward` built from differentiable tensor operations: double backward must work.
# `torch.nn.functional.softplus` and `torch.nn.Softplus` are off limits: the point is to
# write the stable formula yourself.

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
