"""Breaks: "each with exactly that input's shape". Angle: H. How: skips sum_to_size when grad_z has as many elements as the input, returning (1, 3, 4) for x of shape (3, 4) and y of shape (1, 3, 4); autograd reduces it silently, backward itself does not."""


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
        ctx.save_for_backward(x, y)
        return x * y
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_z):
        ### BEGIN SOLUTION
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        # Built from differentiable ops (not .data, no once_differentiable),
        # so that double backward works too.
        if ctx.needs_input_grad[0]:
            grad_x = (grad_z * y) if grad_z.numel() == x.numel() else (grad_z * y).sum_to_size(x.shape)
        if ctx.needs_input_grad[1]:
            grad_y = (grad_z * x) if grad_z.numel() == y.numel() else (grad_z * x).sum_to_size(y.shape)
        return grad_x, grad_y
        ### END SOLUTION
