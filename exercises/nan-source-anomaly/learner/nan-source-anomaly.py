# %% [markdown]
# # Find where a NaN or inf comes from: hooks on backward nodes for gradients, forward hooks for activations
#
# `nan-source-anomaly` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write two debugging helpers that check numbers as they are computed.
#
# `first_nonfinite_grad(fn, *inputs) -> str | None` runs `fn(*inputs).sum().backward()` on copies of the
# (floating-point) inputs that require grad, and returns the class name of the first backward node, in the order the
# backward pass runs them, whose computed gradients (what it returns for its inputs) contain a NaN, inf or -inf, such
# as "SqrtBackward0" for `torch.sqrt` at 0, whose gradient is inf; or None when every gradient is finite. Any error
# raised by `fn` or by backward propagates. The caller's inputs get no `.grad`. Graphs that reuse a value at every
# step of a long loop (billions of paths, a hundred nodes) must be handled in time: visit each node once.
#
# `first_nonfinite_module(model, x) -> str | None` runs `model(x)` and returns the name (as in `model.named_modules()`)
# of the first module whose output contains NaN, inf or -inf, in the order outputs are produced (a submodule before
# the module that contains it; "" for the model itself), or None if every output is finite. An output may be a tensor or any nesting of tuples, lists and dicts of tensors (an LSTM gives `(out, (h, c))`): every tensor in it counts. Every hook it registers is
# removed before it returns.
#
# Anomaly detection (`torch.autograd.detect_anomaly()`) reports only NaN made in backward, never inf, so it cannot answer
# the first question. A NaN made only in the forward pass whose gradient is finite (`log(x - 1)` at x = 0.5) is invisible
# to the backward check: that is what the forward hooks are for. The sample answer to numerical problems is to print
# gradients.
#
# 编写两个调试辅助函数，在数值计算的过程中检查它们。
#
# `first_nonfinite_grad(fn, *inputs) -> str | None` 在（浮点）输入的需要梯度的副本上运行 `fn(*inputs).sum().backward()`，并返回第一个（按反向传播执行节点的顺序）计算出的梯度（即它为其输入返回的梯度）含有 NaN、inf 或 -inf 的反向节点的类名，例如 `torch.sqrt` 在 0 处的 "SqrtBackward0"，其梯度为 inf；如果每个梯度都是有限值则返回 None。`fn` 或反向传播抛出的任何错误都照常传出。调用者的输入不会得到 `.grad`。在一个长循环的每一步都重复使用同一个值的计算图（数十亿条路径、一百个节点）必须在限定时间内处理完：每个节点只访问一次。
#
# `first_nonfinite_module(model, x) -> str | None` 运行 `model(x)`，按输出产生的顺序（子模块先于包含它的模块；模型本身为 ""），返回第一个输出含有 NaN、inf 或 -inf 的模块的名字（与 `model.named_modules()` 中一致），如果每个输出都是有限值则返回 None。输出可以是一个张量，也可以是由元组、列表和字典任意嵌套而成的张量集合（LSTM 给出 `(out, (h, c))`）：其中每个张量都算。它注册的每个钩子都在返回前移除。
#
# 异常检测（`torch.autograd.detect_anomaly()`）只报告反向传播中产生的 NaN，从不报告 inf，所以它回答不了第一个问题。只在前向传播中产生、而梯度有限的 NaN（`log(x - 1)` 在 x = 0.5 处）对反向检查是不可见的：这正是前向钩子的用处。示例答案对数值问题的解决办法是打印梯度。
#
# Check your work: `prep check nan-source-anomaly`. Stuck? `prep hint nan-source-anomaly`.
#
# 检查你的答案：`prep check nan-source-anomaly`。卡住了？`prep hint nan-source-anomaly`。

# %%
import torch

# %% [markdown]
# The seed's "numerical check" is to print gradients. PyTorch lets you check every gradient *as backward computes
# it*, node by node, and every activation as the forward pass produces it, module by module:
#
# * **Hooks on backward nodes.** `t.grad_fn` is the node that will compute the gradients of `t`'s inputs;
#   `node.next_functions` leads to the nodes before it. `node.register_hook(fn)` calls
#   `fn(grad_inputs, grad_outputs)` right after the node ran: `grad_inputs` are what it computed (the gradients
#   for its inputs), `grad_outputs` what it received. The first node whose `grad_inputs` hold a NaN or an inf is
#   where the gradient broke. Anomaly detection (`torch.autograd.detect_anomaly()`) cannot do this job: it only
#   reports NaN, never inf (the gradient of `sqrt` at 0 is inf and passes unnoticed).
# * **Forward hooks** (`module.register_forward_hook`) see every submodule's output as it is produced: the first
#   non-finite one points at the culprit in the forward pass. A NaN made only in the forward pass, whose gradient
#   is finite (`log(x - 1)` at x = 0.5), is invisible to the backward check: that is what these are for.
#
# Remove every hook you add (`handle.remove()`) when done, in a `finally` block.

# %%
def first_nonfinite_grad(fn, *inputs):
    """Run fn(*inputs).sum().backward() on copies of the inputs that require grad; return the class name of the first
    backward node, in the order backward runs them, whose computed gradients hold a NaN or an inf, or None."""
    raise NotImplementedError("nan-source-anomaly: your code here")


def first_nonfinite_module(model, x):
    """The name (as in model.named_modules()) of the first module whose output contains NaN or inf when model(x)
    runs, in the order the outputs are produced (a child before its parent; "" for the model itself), or None.
    Every hook it registers is removed before it returns."""
    raise NotImplementedError("nan-source-anomaly: your code here")
