"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: square_grad calls torch.set_grad_enabled(True) instead of a with enable_grad() block; under no_grad it leaves grad mode on."""
"""Reference solution for fix-nonscalar-backward (seeds 004-18, 004-03, 004-20). The STUB region is the seed's code."""

# %%
import torch


# %% [markdown]
# `backward()` with no argument only works on a scalar. For a non-scalar `y`, autograd
# needs the vector `v` to multiply the Jacobian by: `y.backward(v)` or
# `torch.autograd.grad(y, x, grad_outputs=v)` computes the vector-Jacobian product
# `v^T J`, one reverse sweep whatever the size of `y`. With `v = ones` it is the gradient
# of `y.sum()`.
#
# The stub is the seed's answer ("briefly describe PyTorch's autograd"): run it. Then also
# mind that `.grad` *accumulates*: calling the function twice on the caller's tensor
# must not double the answer.

# %%
def square_grad(x):
    """The gradient of sum(x ** 2) at x, a new tensor of x's shape; x and x.grad are left as they were."""
    ### BEGIN SOLUTION
    leaf = x.detach().requires_grad_(True)
    torch.set_grad_enabled(True)
    y = leaf ** 2
    (g,) = torch.autograd.grad(y, leaf, grad_outputs=torch.ones_like(y))
    return g
    ### END SOLUTION
    ### BEGIN STUB
    # x.requires_grad_(True)
    # y = x**2
    # y.backward()
    # # seed comment: x.grad is tensor([2., 2., 2.])
    # return x.grad
    ### END STUB


# %% [markdown]
# Now the general tools. `f` is a function from a tensor to a tensor (any shapes).
#
# * `vjp(f, x, v)` returns `v^T J` at `x`, with x's shape (`v` has the shape of `f(x)`).
# * `jacobian(f, x)` returns the full Jacobian, of shape `f(x).shape + x.shape`: one
#   vector-Jacobian product per output element. A function whose output does not depend
#   on `x` has a zero Jacobian (and a zero vjp), even if its output requires grad through
#   a parameter: `torch.autograd.grad` then says x is unused (`allow_unused=True` gives None).
#
# Neither may write into `x.grad` or change `x`, and both must work whether or not `x`
# requires grad. `torch.autograd.functional` and torch.func's derivative transforms are
# off limits.

# %%
def vjp(f, x, v):
    """v^T J of f at x, with x's shape."""
    ### BEGIN SOLUTION
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(leaf)
    if not y.requires_grad:  # y does not depend on x
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(y, leaf, grad_outputs=v, allow_unused=True)
    return torch.zeros_like(x) if g is None else g
    ### END SOLUTION


def jacobian(f, x):
    """The Jacobian of f at x, of shape f(x).shape + x.shape."""
    ### BEGIN SOLUTION
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(leaf)
    rows = []
    flat = y.reshape(-1)
    for i in range(flat.numel()):
        g = None
        if y.requires_grad:
            (g,) = torch.autograd.grad(flat[i], leaf, retain_graph=True, allow_unused=True)
        rows.append(torch.zeros_like(x) if g is None else g)
    if not rows:
        return torch.zeros(tuple(y.shape) + tuple(x.shape), dtype=x.dtype, device=x.device)
    return torch.stack(rows).reshape(tuple(y.shape) + tuple(x.shape))
    ### END SOLUTION
