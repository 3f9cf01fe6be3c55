# %% [markdown]
# # Why is my gradient wrong or missing? .item(), in-place ops on saved tensors, NumPy, a freed graph
#
# `fix-broken-gradients` · fix-bug / 修复 bug · easy / 简单 · about 15 min / 约 15 分钟
#
# Each stub function gives the right values but a wrong or failing gradient. Fix them so that, for a float64 input `x`
# (1-D or 2-D, with entries of any size: |x| above 700, where `exp` overflows, included) that requires grad, they return the same values and back-propagate the true gradient:
#
# * `unit_vector(x)` = `x / x.norm()` (the norm of all of `x`);
# * `double_sigmoid(x)` = `2 * sigmoid(x)`;
# * `positive_tanh(x)` = `max(tanh(x), 0)` elementwise;
# * `square_via_numpy(x)` = `x ** 2`;
# * `two_gradients(x) -> (ga, gb)`: the gradients with respect to `x` of `a = exp(x).sum()` and `b = (exp(x) ** 2).sum()`,
#   as a tuple, leaving `x.grad` as it was (None stays None, and a gradient already there stays unchanged and out of `ga` and `gb`) and giving the same answer when called again. The stub computes both
#   from one shared `h = torch.exp(x)`, and its second `torch.autograd.grad` finds the graph already freed.
#
# 每个初始函数给出的值都正确，但梯度错误或无法计算。修好它们，使得对于一个需要梯度的 float64 输入 `x`（一维或二维，元素可以是任意大小：包括 `exp` 会溢出的 |x| 大于 700 的元素），它们返回相同的值，并反向传播真实的梯度：
#
# * `unit_vector(x)` = `x / x.norm()`（整个 `x` 的范数）；
# * `double_sigmoid(x)` = `2 * sigmoid(x)`；
# * `positive_tanh(x)` = 逐元素的 `max(tanh(x), 0)`；
# * `square_via_numpy(x)` = `x ** 2`；
# * `two_gradients(x) -> (ga, gb)`：`a = exp(x).sum()` 和 `b = (exp(x) ** 2).sum()` 关于 `x` 的梯度，以元组返回，不改动 `x.grad`（None 仍为 None；其中已有的梯度保持不变，也不计入 `ga` 和 `gb`），再次调用时给出相同的答案。初始代码从同一个共享的 `h = torch.exp(x)` 计算两者，它的第二次 `torch.autograd.grad` 发现计算图已经被释放。
#
# Check your work: `prep check fix-broken-gradients`. Stuck? `prep hint fix-broken-gradients`.
#
# 检查你的答案：`prep check fix-broken-gradients`。卡住了？`prep hint fix-broken-gradients`。

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
    return x / x.norm().item()


def double_sigmoid(x):
    y = torch.sigmoid(x)
    y *= 2
    return y


def positive_tanh(x):
    y = torch.tanh(x)
    y[y < 0] = 0
    return y


def square_via_numpy(x):
    return torch.tensor(x.detach().numpy() ** 2, dtype=x.dtype)


def two_gradients(x):
    h = torch.exp(x)
    a = h.sum()
    b = (h ** 2).sum()
    (ga,) = torch.autograd.grad(a, x)
    (gb,) = torch.autograd.grad(b, x)
    return ga, gb
