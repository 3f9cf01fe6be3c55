# %% [markdown]
# # Find where a NaN gradient comes from with anomaly detection, then write a NaN-free norm
#
# `anomaly-nan-source` · code / 编写代码 · medium / 中等 · about 20 min / 约 20 分钟
#
# Write
#
# * `find_nan_backward(fn, *inputs) -> str | None`: call `fn(*inputs)` once (a scalar loss) and back-propagate it under
#   `torch.autograd.detect_anomaly()`; return the class name of the backward node that anomaly mode reports as returning
#   NaN values (for example `"SqrtBackward0"`), or None when the backward pass completes without that error. Any other
#   error (raised by `fn`, or a backward error that is not anomaly mode's NaN report) propagates. Anomaly detection must
#   be off again when the function returns or raises.
# * `row_norms(x) -> Tensor`: for a 2-D float tensor (float32 or float64, any layout, 0 rows or 0 columns included), the L2 norm of each row, of shape
#   `(N,)` and the input's dtype, whose gradient is finite everywhere and 0 for an all-zero row (and `x / norm` for the
#   other rows, small norms included).
#
# The naive `x.pow(2).sum(1).sqrt()` has a finite forward pass, but its gradient at a zero row is `inf * 0 = nan`:
# anomaly mode reports it at `PowBackward0`, the node after the sqrt, where the NaN first appears.
#
# 编写
#
# * `find_nan_backward(fn, *inputs) -> str | None`：调用 `fn(*inputs)` 一次（一个标量损失），并在 `torch.autograd.detect_anomaly()` 下对它做反向传播；返回异常检测模式报告为返回了 NaN 值的反向节点的类名（例如 `"SqrtBackward0"`），如果反向传播完成时没有出现这个错误则返回 None。其他任何错误（由 `fn` 抛出的，或不是异常检测模式 NaN 报告的反向传播错误）都照常传出。函数返回或抛出异常时，异常检测必须重新处于关闭状态。
# * `row_norms(x) -> Tensor`：对一个二维浮点张量（float32 或 float64，任意内存布局，包括 0 行或 0 列的张量），返回每一行的 L2 范数，形状为 `(N,)`，dtype 与输入相同；其梯度处处有限，对全零的行为 0（对其他行为 `x / norm`，范数很小的行也包括在内）。
#
# 朴素的 `x.pow(2).sum(1).sqrt()` 前向传播是有限的，但它在全零行处的梯度是 `inf * 0 = nan`：异常检测模式在 `PowBackward0` 处报告它，即 sqrt 之后的那个节点，NaN 首次出现的地方。
#
# Check your work: `prep check anomaly-nan-source`. Stuck? `prep hint anomaly-nan-source`.
#
# 检查你的答案：`prep check anomaly-nan-source`。卡住了？`prep hint anomaly-nan-source`。

# %%
import re

import torch

# %% [markdown]
# The seeds list "hard to debug" among the drawbacks of dynamic graphs. Eager autograd comes with a debugger for the
# worst kind of bug, a NaN gradient: under `torch.autograd.detect_anomaly()` the backward pass checks every node's
# output and raises `RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.`, with the
# forward traceback of the op that created that node. It checks *backward* outputs, for NaN (not inf): a NaN produced
# in the forward pass, whose gradient is finite, is not reported.
#
# 1. `find_nan_backward(fn, *inputs) -> str | None`: call `loss = fn(*inputs)` (a scalar) and `loss.backward()` under
#    anomaly detection; return the class name of the backward node that anomaly mode reports as returning NaN (such as
#    `"SqrtBackward0"`), or None when the backward pass completes. Anomaly mode must be off again afterwards.
# 2. `row_norms(x)`: the L2 norm of each row of a 2-D tensor, whose gradient is finite everywhere, also for a row of
#    zeros (where it must be 0). The naive `x.pow(2).sum(1).sqrt()` gives `inf * 0 = nan` there: sqrt's gradient at 0
#    is inf, and the NaN first appears one node later, so anomaly mode names `PowBackward0` (`MulBackward0` if you
#    wrote `x * x`), not the `SqrtBackward0` that caused it.
#
# Other errors (a `ValueError` from `fn`, a backward that fails for another reason) are not yours to swallow: let them
# propagate, and let the context manager switch anomaly mode off again on the way out.

# %%
def find_nan_backward(fn, *inputs):
    raise NotImplementedError("anomaly-nan-source: your code here")


def row_norms(x):
    raise NotImplementedError("anomaly-nan-source: your code here")
