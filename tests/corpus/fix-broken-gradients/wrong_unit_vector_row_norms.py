"""Divides by each row's norm (norm(dim=-1, keepdim=True)) instead of the norm of all of x: wrong for a 2-D x."""

# %%
import torch


# %% [markdown]
# The seed's answer to "the model cannot back-propagate" is "check the model, the loss and the data". The real causes
# are few and specific. Each function below has one of them; all four give the right *values* and silently wrong or
# failing *gradients*. Fix each so that it returns the same values and autograd gives the true gradient (input `x`
# requires grad; the graders compare with the gradients of the mathematical function, in float64):
#
# * `unit_vector(x)` = x / ||x||: `.item()` turns the norm into a Python number, a constant for autograd.
# * `double_sigmoid(x)` = 2 sigmoid(x): the in-place `*=` changes the output that sigmoid saved for its backward; the
#   version counter notices and backward raises "modified by an inplace operation".
# * `positive_tanh(x)` = max(tanh(x), 0): the same mistake through indexing assignment.
# * `square_via_numpy(x)` = x ** 2: NumPy is invisible to autograd, the result has no graph at all.
# * `two_gradients(x)` returns the gradients of `a = exp(x).sum()` and `b = (exp(x) ** 2).sum()` with respect to `x`,
#   sharing the exp: the first `autograd.grad` frees the graph the second one needs.

# %%
def unit_vector(x):
    return x / x.norm(dim=-1, keepdim=True)


def double_sigmoid(x):
    return torch.sigmoid(x) * 2


def positive_tanh(x):
    return torch.tanh(x).clamp(min=0)


def square_via_numpy(x):
    return x ** 2


def two_gradients(x):
    h = torch.exp(x)
    a = h.sum()
    b = (h ** 2).sum()
    (ga,) = torch.autograd.grad(a, x, retain_graph=True)
    (gb,) = torch.autograd.grad(b, x)
    return ga, gb
