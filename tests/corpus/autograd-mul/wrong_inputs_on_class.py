"""Breaks: "`Mul.apply(x, y)` equals `x * y` ... `backward(ctx, grad_z)` must return one gradient per input". Angle: F. How: stores the inputs on the class, so a second apply before the first backward overwrites them."""
"""Reference solution for autograd-mul. Everything above the first cell is for maintainers only."""

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
        ### BEGIN SOLUTION
        Mul._saved = (x, y)
        return x * y
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_z):
        ### BEGIN SOLUTION
        x, y = Mul._saved
        grad_x = grad_y = None
        # Built from differentiable ops (not .data, no once_differentiable),
        # so that double backward works too.
        if ctx.needs_input_grad[0]:
            grad_x = (grad_z * y).sum_to_size(x.shape)
        if ctx.needs_input_grad[1]:
            grad_y = (grad_z * x).sum_to_size(y.shape)
        return grad_x, grad_y
        ### END SOLUTION
