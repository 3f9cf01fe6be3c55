# %% [markdown]
# # Leaves, intermediates and zeros: gradients for every input and every named intermediate
#
# `grads-of-intermediates` · code / 编写代码 · easy / 简单 · about 20 min / 约 20 分钟
#
# Write two functions.
#
# `grads_of(fn, *inputs) -> tuple[Tensor, ...]` returns a tuple with the gradient of `fn(*inputs).sum()` with respect
# to each input, one per input with its shape and dtype, for any number of inputs (one or more; the same tensor passed
# twice is two inputs, each with the gradient through its own position): zeros (never None) for an input that
# does not contribute (unused, used only through `.detach()`, or cancelled out as in the sample answer's `add(x, y) - sub(x, y)`,
# which is 2y), and zeros for all when the output does not depend on the inputs at all (a constant, or a tensor that
# requires grad only through a parameter `fn` closes over). It works whether all, some or none of the inputs require
# grad, and leaves the inputs as they were: their values, their `requires_grad`, and their `.grad` (None, or whatever
# gradient the caller had left there).
#
# `intermediate_grads(fn, *inputs) -> dict[str, Tensor]`: here `fn(*inputs)` returns `(out, named)`, where `named` is a
# dict of tensors computed inside `fn` (non-leaf intermediates, possibly `out` itself; `out` need not be a scalar).
# Return a dict with exactly the same names, each mapped to the gradient of `out.sum()` with respect to that tensor:
# zeros for one the output does not depend on. Leave the inputs as they were, as above.
#
# Note that after `backward()` an intermediate's `.grad` is None unless `retain_grad()` was called on it: only leaves
# keep gradients. The sample answer calls outputs leaves; they are not.
#
# 编写两个函数。
#
# `grads_of(fn, *inputs) -> tuple[Tensor, ...]` 返回一个元组，包含 `fn(*inputs).sum()` 关于每个输入的梯度，每个输入一个，形状和 dtype 与该输入相同，输入的个数任意（至少一个；同一个张量传入两次算作两个输入，各自得到经过其自身位置的梯度）：对没有贡献的输入（未使用、只通过 `.detach()` 使用，或者像示例答案的 `add(x, y) - sub(x, y)` 那样被抵消掉，它等于 2y）返回零（绝不返回 None），当输出完全不依赖于输入时（一个常量，或者只是因为 `fn` 闭包中的某个参数才需要梯度的张量）全部返回零。无论全部、部分还是没有输入需要梯度都能工作，并保持输入原样：它们的值、它们的 `requires_grad` 以及它们的 `.grad`（None，或调用者留在那里的任何梯度）。
#
# `intermediate_grads(fn, *inputs) -> dict[str, Tensor]`：这里 `fn(*inputs)` 返回 `(out, named)`，其中 `named` 是在 `fn` 内部计算出的张量组成的字典（非叶子的中间张量，可能包括 `out` 本身；`out` 不一定是标量）。返回一个名字完全相同的字典，每个名字映射到 `out.sum()` 关于该张量的梯度：输出不依赖的张量对应零。与上面一样，保持输入原样。
#
# 请注意，`backward()` 之后，中间张量的 `.grad` 是 None，除非对它调用过 `retain_grad()`：只有叶子张量会保留梯度。示例答案把输出称为叶子；它们不是。
#
# Check your work: `prep check grads-of-intermediates`. Stuck? `prep hint grads-of-intermediates`.
#
# 检查你的答案：`prep check grads-of-intermediates`。卡住了？`prep hint grads-of-intermediates`。

# %%
import torch

# %% [markdown]
# A **leaf** is a tensor that no recorded operation produced: a tensor you created, a
# parameter, or anything with `requires_grad=False`; its `grad_fn` is None. Backward ends
# at the leaves that require grad and stores their gradients in `.grad`. Every other tensor
# is an intermediate (non-leaf): its `.grad` stays None after `backward()` (with a warning)
# unless you call `t.retain_grad()` first, or register a hook, or ask
# `torch.autograd.grad` for it directly. (The seed says leaves are nodes "without children,
# usually inputs or outputs": outputs are not leaves.)
#
# Two more facts. `add(x, y) - sub(x, y)` is `2 * y`: x's gradient is a tensor of zeros,
# not None. An input the function never uses gets None from `autograd.grad` unless you
# pass `materialize_grads=True` (or replace it yourself).

# %%
def grads_of(fn, *inputs):
    """The gradients of fn(*inputs).sum() with respect to each input, as a tuple: zeros (never None) for an
    input that does not contribute. Works whether or not the inputs require grad; leaves their .grad alone."""
    raise NotImplementedError("grads-of-intermediates: your code here")


def intermediate_grads(fn, *inputs):
    """fn(*inputs) returns (out, {name: tensor computed inside fn}). Return {name: d out.sum() / d tensor}
    for every name, zeros for a tensor the output does not depend on."""
    raise NotImplementedError("grads-of-intermediates: your code here")
