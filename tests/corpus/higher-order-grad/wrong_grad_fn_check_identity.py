"""Breaks: "`n = 0` gives `f(x)` ... the n-th derivative of f at x". Angle: D. How: stops when y.grad_fn is None instead of when y does not require grad: f = identity (y is x) gives zeros."""
"""Reference solution for higher-order-grad (seeds 000-07, 000-33)."""

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
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        for _ in range(n):
            if y.grad_fn is None:  # a constant: every further derivative is zero
                return torch.zeros_like(x)
            (y,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True, allow_unused=True)
            if y is None:
                return torch.zeros_like(x)
    return y
    ### END SOLUTION
