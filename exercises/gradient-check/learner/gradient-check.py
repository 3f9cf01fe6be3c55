# %% [markdown]
# # Write a gradient checker: numerical Jacobians by central differences
#
# `gradient-check` · code · medium · about 30 min
#
# Write two functions.
#
# `numerical_jacobian(fn, inputs, eps=1e-6) -> tuple[Tensor, ...]` returns a tuple with one Jacobian per input, of
# shape `(out.numel(), inp.numel())` and the inputs' dtype, computed by central differences
# `(f(x + eps) - f(x - eps)) / (2 eps)` one element at a time, whether or not the input requires grad. `fn` returns a
# single tensor. The caller's inputs must be left unchanged, values and version counters alike.
#
# `check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3) -> bool` returns True iff, for every input that requires
# grad and every output of `fn` (a tensor or a tuple of tensors), the Jacobian that autograd computes matches the
# numerical one within `torch.allclose(analytic, numerical, rtol=rtol, atol=atol)`, with the caller's eps, rtol and
# atol. It must give `torch.autograd.gradcheck`'s verdict, and it too leaves the caller's inputs as they were (values,
# version counters, `.grad`). `torch.autograd.gradcheck`, `gradgradcheck` and the rest of their module (its numerical
# and analytical Jacobian helpers) are off limits.
#
# The sample answer compares autograd's gradient with autograd's gradient, which can never catch a wrong backward; a
# real check needs an independent, numerical estimate. Use float64 inputs when you try it: in float32, rounding swamps
# central differences.
#
# Check your work: `prep check gradient-check`. Stuck? `prep hint gradient-check`.

# %%
import torch

# %% [markdown]
# A gradient check compares what autograd says with what the function itself says
# when you nudge its inputs. The nudge must be symmetric, f(x + eps) - f(x - eps)
# over 2 eps: its error shrinks like eps**2, where the one-sided difference only
# shrinks like eps. Work on copies: perturbing the caller's tensors in place breaks
# their autograd graph and may not restore them bit for bit. `torch.autograd.gradcheck`
# (and the rest of its module, numerical-Jacobian helpers included) is off limits.

# %%
def numerical_jacobian(fn, inputs, eps=1e-6):
    """One Jacobian per input, each of shape (out.numel(), inp.numel()), by central differences."""
    raise NotImplementedError("gradient-check: your code here")


def check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """True iff, for every input that requires grad, autograd's Jacobian matches the numerical one."""
    raise NotImplementedError("gradient-check: your code here")
