"""Breaks: "a watched call must also leave torch's global settings (grad mode, inference mode, default dtype, anomaly detection, deterministic algorithms) as it found them" (README rule). Angle: L. How: torch.set_grad_enabled(True) instead of a with torch.enable_grad() block: a caller under torch.no_grad() comes back with grad mode on."""

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
    torch.set_grad_enabled(True)
    y = f(x)
    for _ in range(n):
        if not y.requires_grad:  # a constant: every further derivative is zero
            return torch.zeros_like(x)
        (y,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True, allow_unused=True)
        if y is None:
            return torch.zeros_like(x)
    return y
    ### END SOLUTION
