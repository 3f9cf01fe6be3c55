# %% [markdown]
# # Hessian-vector products without the Hessian: double backward, and the full Hessian from them
#
# `hessian-vector-product` · code · medium · about 25 min
#
# For a scalar function `f` of a tensor `x` (any shape, a 0-d x and an x with no elements included), write:
#
# * `hvp(f, x, v)`: the Hessian-vector product H(x) v (x's shape) by double backward (`torch.autograd.grad` with
#   `create_graph=True`), never forming H: the graders measure hvp's memory at n = 2048, where H would take 32 MiB;
# * `hessian(f, x)`: the full Hessian, of shape `x.shape + x.shape` (column i is H e_i, so one hvp per basis vector
#   gives it).
#
# Results must equal `torch.autograd.functional`'s to 1e-9 in float64 (for an x with no elements, where it raises,
# they are empty tensors of those shapes). For a linear `f` the Hessian is zero: return zeros, not an error, also when
# the gradient comes from a parameter `f` closes over (autograd then finds x unused). Both must work whether or not `x` requires grad and leave `x` as it was: its values, its
# `requires_grad`, and `x.grad` (neither may write into it). `torch.autograd.functional` (`hessian`, `hvp`, `vhp`,
# `jacobian`, `vjp`, `jvp`) and torch.func's derivative transforms (`hessian`, `jacfwd`, `jacrev`, `grad`, `vjp`,
# `jvp`, `linearize`) are off limits.
#
# The sample answer's description of autograd stops at `.backward()` on a scalar; the backward pass can itself be recorded and
# differentiated again.
#
# Check your work: `prep check hessian-vector-product`. Stuck? `prep hint hessian-vector-product`.

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
    raise NotImplementedError("hessian-vector-product: your code here")


def hessian(f, x):
    """The full Hessian of a scalar f at x, of shape x.shape + x.shape, one hvp per basis vector."""
    raise NotImplementedError("hessian-vector-product: your code here")
