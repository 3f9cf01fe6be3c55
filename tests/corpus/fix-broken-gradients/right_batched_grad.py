"""right: linalg.vector_norm of the flattened x, sigmoid + sigmoid, x * x, both gradients in one batched autograd.grad."""

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
    ### BEGIN SOLUTION
    return x / torch.linalg.vector_norm(x.flatten())
    ### END SOLUTION
    ### BEGIN STUB
    # return x / x.norm().item()
    ### END STUB


def double_sigmoid(x):
    ### BEGIN SOLUTION
    return torch.sigmoid(x) + torch.sigmoid(x)
    ### END SOLUTION
    ### BEGIN STUB
    # y = torch.sigmoid(x)
    # y *= 2
    # return y
    ### END STUB


def positive_tanh(x):
    ### BEGIN SOLUTION
    return torch.tanh(x).clamp(min=0)
    ### END SOLUTION
    ### BEGIN STUB
    # y = torch.tanh(x)
    # y[y < 0] = 0
    # return y
    ### END STUB


def square_via_numpy(x):
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION
    ### BEGIN STUB
    # return torch.tensor(x.detach().numpy() ** 2, dtype=x.dtype)
    ### END STUB


def two_gradients(x):
    ### BEGIN SOLUTION
    h = torch.exp(x)
    a = h.sum()
    b = (h ** 2).sum()
    g = torch.autograd.grad(torch.stack([a, b]), x, torch.eye(2, dtype=x.dtype, device=x.device), is_grads_batched=True)[0]
    return g[0].clone(), g[1].clone()
    ### END SOLUTION
    ### BEGIN STUB
    # h = torch.exp(x)
    # a = h.sum()
    # b = (h ** 2).sum()
    # (ga,) = torch.autograd.grad(a, x)
    # (gb,) = torch.autograd.grad(b, x)
    # return ga, gb
    ### END STUB
