# %% [markdown]
# # A custom autograd Function: multiplication with broadcasting
#
# `autograd-mul` · code · medium · about 20 min
#
# Write `class Mul(torch.autograd.Function)` so that `Mul.apply(x, y)` equals `x * y` for float tensors of any dtype,
# including shapes that broadcast (for example x of shape (3, 1) and y of shape (1, 4)).
#
# `backward(ctx, grad_z)` must return one gradient per input, each with exactly that input's shape (return `None` for
# an input that does not need a gradient: see `ctx.needs_input_grad`). Build the gradients from differentiable tensor
# operations so that double backward (`gradgradcheck`) works as well.
#
# The interview question behind this one: the graph is built as ops run on tensors that require grad; a custom
# `autograd.Function` is how you add your own op to it. Note that the sample answer gets this wrong in several ways:
# it returns a single gradient `grad_output * (x + y)` for two inputs, and it instantiates the Function instead of
# calling `Mul.apply`.
#
# Check your work: `prep check autograd-mul`. Stuck? `prep hint autograd-mul`.

# %%
import torch

# %% [markdown]
# `forward` saves what `backward` needs; `backward` returns one gradient per input.
# With broadcasting, `x * y` can be larger than `x` or `y`: the gradient of an
# input must be summed back down to that input's shape.

# %%
class Mul(torch.autograd.Function):
    """z = x * y, with broadcasting, for any float dtype."""

    @staticmethod
    def forward(ctx, x, y):
        raise NotImplementedError("autograd-mul: your code here")

    @staticmethod
    def backward(ctx, grad_z):
        raise NotImplementedError("autograd-mul: your code here")
