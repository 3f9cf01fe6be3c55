"""Reference solution for hessian-vector-product (seeds 004-03, 004-18)."""

# %%
import torch


# %% [markdown]
# Because autograd records the backward pass too when asked (`create_graph=True`), a gradient
# can be differentiated again. For a scalar function f, the Hessian-vector product
# `H v = d/dx (grad f(x) . v)` costs about two backward passes and never builds the n x n
# Hessian: this is how second-order methods and gradient penalties scale.
#
# Reverse over reverse: `g = autograd.grad(f(x), x, create_graph=True)`, then
# `autograd.grad(g, x, grad_outputs=v)`. (torch.func offers the same as forward over reverse,
# `torch.func.jvp(torch.func.grad(f), (x,), (v,))`, often cheaper on large models; here it is
# off limits, with `torch.autograd.functional`: build the products from `torch.autograd.grad`.)
# The graders measure hvp's memory at n = 2048, where H would take 32 MiB.
#
# If the gradient no longer depends on x (f is linear), the Hessian is zero: the second
# `autograd.grad` would raise, so return zeros.

# %%
def hvp(f, x, v):
    """H(x) v for a scalar function f, by double backward, without forming H. Same shape as x."""
    ### BEGIN SOLUTION
    leaf = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(leaf), leaf, create_graph=True)
    if not g.requires_grad:  # the gradient is constant: f is linear in x
        return torch.zeros_like(x)
    (hv,) = torch.autograd.grad(g, leaf, grad_outputs=v, allow_unused=True)
    return torch.zeros_like(x) if hv is None else hv.detach()
    ### END SOLUTION


def hessian(f, x):
    """The full Hessian of a scalar f at x, of shape x.shape + x.shape, one hvp per basis vector."""
    ### BEGIN SOLUTION
    n = x.numel()
    columns = []
    for i in range(n):
        e = torch.zeros(n, dtype=x.dtype, device=x.device)
        e[i] = 1.0
        columns.append(hvp(f, x, e.reshape(x.shape)).reshape(-1))
    if not columns:
        return torch.zeros(tuple(x.shape) * 2, dtype=x.dtype, device=x.device)
    # column i is H e_i; H is symmetric, so stacking columns as rows gives H
    return torch.stack(columns).reshape(tuple(x.shape) + tuple(x.shape))
    ### END SOLUTION
