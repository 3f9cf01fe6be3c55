# %% [markdown]
# # n-th derivatives with torch.autograd.grad(create_graph=True)
#
# `higher-order-grad` · code · medium · about 20 min
#
# Write `nth_derivative(f, x, n) -> Tensor` for an elementwise function `f`: it returns the n-th derivative of f at x,
# with the same shape and dtype as x. `n = 0` gives `f(x)`. The result stays differentiable with respect to x (so that
# differentiating it once more gives the (n+1)-th derivative) as long as the derivative still depends on x. Past that
# point (x**3 differentiated four times, or 3x + 1 twice) the derivative is zeros of x's shape and dtype, even where
# autograd stops tracking it (a constant that does not require grad) or reports that it does not depend on x at all
# (`None` from `torch.autograd.grad`). It works whether or not x requires grad, and it leaves x as it was: its values,
# its `requires_grad`, and its `.grad` (None, or whatever gradient the caller had left there).
#
# PyTorch computes gradients by reverse-mode automatic differentiation over the graph recorded during the forward pass,
# not by finite differences as the sample answer claims. Higher derivatives come from differentiating a derivative that was built
# with `create_graph=True`; calling `backward()` twice only adds the first derivative into `x.grad` twice.
#
# Check your work: `prep check higher-order-grad`. Stuck? `prep hint higher-order-grad`.

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
    raise NotImplementedError("higher-order-grad: your code here")
