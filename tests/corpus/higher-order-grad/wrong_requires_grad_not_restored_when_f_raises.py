"""Breaks: "it leaves x as it was: its values, its `requires_grad`, and its `.grad`". Angle: P. How: switches requires_grad on on the caller's x and switches it back after the loop, not in a finally block: when f raises, x is left requiring grad."""

# %%
import torch


# %% [markdown]
# `torch.autograd.grad(y, x, grad_outputs, create_graph=True)` returns dy/dx *as a new
# part of the graph*, so it can be differentiated again. Calling `y.backward()` twice does
# not give a second derivative: it adds the first derivative into `x.grad` twice.
# For an elementwise f, `grad_outputs=ones` gives the elementwise derivative.

# %%
def nth_derivative(f, x, n):
    """The n-th derivative of the elementwise function f at x (same shape and dtype as x).

    n = 0 gives f(x). The result stays differentiable with respect to x, and x.grad is not touched.
    """
    ### BEGIN SOLUTION
    if n < 0:
        raise ValueError("n must be >= 0")
    was = x.requires_grad
    if x.is_leaf:
        x.requires_grad_(True)
    else:
        x = x.detach().requires_grad_(True) if not was else x
    with torch.enable_grad():
        y = f(x)
        for _ in range(n):
            if not y.requires_grad:  # a constant: every further derivative is zero
                y = torch.zeros_like(x)
                break
            (y,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True, allow_unused=True)
            if y is None:
                y = torch.zeros_like(x)
                break
    if x.is_leaf:
        x.requires_grad_(was)
    return y
    ### END SOLUTION
