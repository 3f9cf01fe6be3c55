# %% [markdown]
# # Custom autograd Functions that use ctx fully: needs_input_grad, non-tensor arguments, mark_non_differentiable
#
# `custom-function-ctx` · code / 编写代码 · hard / 困难 · about 35 min / 约 35 分钟
#
# Write three `torch.autograd.Function`s (called with `.apply`), each with a backward built from differentiable
# operations (double backward must work):
#
# * `MatMul.apply(a, b)` equals `a @ b` for 2-D tensors. Its backward uses `ctx.needs_input_grad` so that it never
#   computes the gradient of an input that does not require grad: it returns None for it (the graders call backward
#   directly to see what it returns, and measure backward's memory with a large input that does not require grad, whose
#   gradient must never be formed).
# * `Sort.apply(x, dim, descending)` returns `(values, indices)` equal to `torch.sort(x, dim=dim,
#   descending=descending)` for x without ties; `dim` defaults to -1 and `descending` to False. `apply` takes its
#   arguments by position (PyTorch does not fill a skipped default when a later one is given by keyword), so the graders
#   call `Sort.apply(x)`, `Sort.apply(x, dim)` and `Sort.apply(x, dim, descending)`. `indices` (int64) is marked
#   non-differentiable, and the gradient of the values flows back to the positions they came from.
# * `Clamp.apply(x, low, high)` returns `(torch.clamp(x, low, high), clipped)`, where `clipped` is 1.0 where `x` was
#   below `low` or above `high` and 0.0 elsewhere, with x's dtype (`low <= high`; they may be equal, and may be ints).
#   `clipped` is marked non-differentiable (it must not require grad, and a loss that uses it must not change x's
#   gradient); the gradient of the first output equals `torch.clamp`'s, 1 at the boundaries themselves and exactly 0 where x was clipped, whatever the incoming gradient holds there (an inf or NaN included).
#
# `low`, `high`, `dim` and `descending` are plain Python values: backward returns None for each of them. The sample answer's
# custom op is right, but its demo forgets `requires_grad=True` on the input, so its `backward()` raises.
#
# 编写三个 `torch.autograd.Function`（用 `.apply` 调用），每个的 backward 都由可微运算构成（二阶反向传播必须能正常工作）：
#
# * `MatMul.apply(a, b)` 对二维张量等于 `a @ b`。它的 backward 使用 `ctx.needs_input_grad`，从不为不需要梯度的输入计算梯度：对这样的输入返回 None（评分项会直接调用 backward 查看它返回什么，并用一个不需要梯度的大输入测量 backward 的内存，这个输入的梯度绝不能被构造出来）。
# * `Sort.apply(x, dim, descending)` 返回 `(values, indices)`，对没有相等元素的 x 等于 `torch.sort(x, dim=dim, descending=descending)`；`dim` 默认为 -1，`descending` 默认为 False。`apply` 按位置接收参数（当后面的参数以关键字给出时，PyTorch 不会填充被跳过的默认值），所以评分项会调用 `Sort.apply(x)`、`Sort.apply(x, dim)` 和 `Sort.apply(x, dim, descending)`。`indices`（int64）被标记为不可微，values 的梯度流回它们原来所在的位置。
# * `Clamp.apply(x, low, high)` 返回 `(torch.clamp(x, low, high), clipped)`，其中 `clipped` 在 `x` 小于 `low` 或大于 `high` 处为 1.0，其余处为 0.0，dtype 与 x 相同（`low <= high`；两者可以相等，也可以是整数）。`clipped` 被标记为不可微（它不能需要梯度，用到它的损失也不能改变 x 的梯度）；第一个输出的梯度等于 `torch.clamp` 的梯度，在边界值本身处为 1，在 x 被截断处恰好为 0，无论传入的梯度在那里是什么（包括 inf 或 NaN）。
#
# `low`、`high`、`dim` 和 `descending` 都是普通的 Python 值：backward 对它们每一个都返回 None。示例答案的自定义运算是对的，但它的演示忘了给输入加 `requires_grad=True`，所以它的 `backward()` 会抛出异常。
#
# Check your work: `prep check custom-function-ctx`. Stuck? `prep hint custom-function-ctx`.
#
# 检查你的答案：`prep check custom-function-ctx`。卡住了？`prep hint custom-function-ctx`。

# %%
import torch
from torch.autograd import Function

# %% [markdown]
# `torch.autograd.Function` is how you add an operation of your own to the graph:
# `forward(ctx, *inputs)` computes the result and stores what backward needs on `ctx`;
# `backward(ctx, *grad_outputs)` gets one incoming gradient per output and returns **one
# gradient per input of forward** (None for an input that is not a tensor or needs none).
# Call it with `.apply(...)`, passing arguments by position: `Sort.apply(x, 0, True)`.
# (`apply` does not fill a skipped default: `Sort.apply(x, descending=True)` raises for a
# plain Function.) Three tools of `ctx`:
#
# * `ctx.save_for_backward(*tensors)` for tensors (read back with `ctx.saved_tensors`); plain
#   Python values can be stored as attributes (`ctx.dim = dim`).
# * `ctx.needs_input_grad`, one bool per input: skip the work for gradients nobody needs.
# * `ctx.mark_non_differentiable(*outputs)` for outputs that have no gradient (indices, masks):
#   they come out with `requires_grad=False`, and their incoming gradient is ignored.
#
# Build every backward from differentiable operations so that double backward works.

# %%
class MatMul(Function):
    """a @ b for 2-D a (n, k) and b (k, m); backward computes only the gradients that are needed."""

    @staticmethod
    def forward(ctx, a, b):
        raise NotImplementedError("custom-function-ctx: your code here")

    @staticmethod
    def backward(ctx, grad_out):
        raise NotImplementedError("custom-function-ctx: your code here")


class Sort(Function):
    """(values, indices) exactly as torch.sort(x, dim, descending); the indices are not differentiable."""

    @staticmethod
    def forward(ctx, x, dim=-1, descending=False):
        raise NotImplementedError("custom-function-ctx: your code here")

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        raise NotImplementedError("custom-function-ctx: your code here")


class Clamp(Function):
    """(torch.clamp(x, low, high), clipped) where clipped is 1.0 where x was outside [low, high], else 0.0
    (x's dtype), and not differentiable. The gradient of the first output is torch.clamp's."""

    @staticmethod
    def forward(ctx, x, low, high):
        raise NotImplementedError("custom-function-ctx: your code here")

    @staticmethod
    def backward(ctx, grad_y, grad_clipped):
        raise NotImplementedError("custom-function-ctx: your code here")
