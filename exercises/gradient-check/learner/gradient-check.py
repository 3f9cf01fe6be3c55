# %% [markdown]
# # Write a gradient checker: numerical Jacobians by central differences
#
# `gradient-check` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write two functions.
#
# `numerical_jacobian(fn, inputs, eps=1e-6) -> tuple[Tensor, ...]` returns a tuple with one Jacobian per input, of
# shape `(out.numel(), inp.numel())` (inputs and outputs may have zero elements, and an input may be a non-contiguous view, a transposed matrix say) and the inputs' dtype, computed by central differences
# `(f(x + eps) - f(x - eps)) / (2 eps)` one element at a time, whether or not the input requires grad. `fn` returns a
# single tensor. The caller's inputs must be left unchanged, values and version counters alike.
#
# `check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3) -> bool` returns True iff, for every input that requires
# grad and every output of `fn` (a tensor or a tuple of tensors) that requires grad (every output, with a zero
# Jacobian, if none does), the Jacobian that autograd computes matches the numerical one within `torch.allclose(analytic, numerical, rtol=rtol, atol=atol)`, with the caller's eps, rtol and
# atol. It must give `torch.autograd.gradcheck`'s verdict (on the functions asked about, whose backward is linear in the incoming gradient, as every correct backward is), and it too leaves the caller's inputs as they were (values,
# version counters, `.grad`). `torch.autograd.gradcheck`, `gradgradcheck` and the rest of their module (its numerical
# and analytical Jacobian helpers) are off limits.
#
# The sample answer compares autograd's gradient with autograd's gradient, which can never catch a wrong backward; a
# real check needs an independent, numerical estimate. Use float64 inputs when you try it: in float32, rounding swamps
# central differences.
#
# 编写两个函数。
#
# `numerical_jacobian(fn, inputs, eps=1e-6) -> tuple[Tensor, ...]` 返回一个元组，每个输入对应一个雅可比矩阵，形状为 `(out.numel(), inp.numel())`（输入和输出都可能没有元素，输入也可能是不连续的视图，比如转置后的矩阵），dtype 与输入相同，用中心差分 `(f(x + eps) - f(x - eps)) / (2 eps)` 一次一个元素地计算，无论输入是否需要梯度。`fn` 返回单个张量。调用者的输入必须保持不变，值和版本计数器都是如此。
#
# `check_grad(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3) -> bool` 当且仅当对每个需要梯度的输入和 `fn` 的每个需要梯度的输出（`fn` 返回一个张量或张量元组；若没有输出需要梯度，则对每个输出，其雅可比矩阵视为零），autograd 计算出的雅可比矩阵与数值雅可比矩阵在 `torch.allclose(analytic, numerical, rtol=rtol, atol=atol)` 意义下一致时返回 True，使用调用者给出的 eps、rtol 和 atol。它必须给出与 `torch.autograd.gradcheck` 相同的结论（所问的函数的反向传播都对传入的梯度是线性的，正确的反向传播都是如此），并且同样保持调用者的输入原样（值、版本计数器、`.grad`）。禁止使用 `torch.autograd.gradcheck`、`gradgradcheck` 以及它们所在模块中的其余部分（其中计算数值雅可比矩阵和解析雅可比矩阵的辅助函数）。
#
# 示例答案拿 autograd 的梯度和 autograd 的梯度比较，这永远发现不了错误的 backward；真正的检查需要一个独立的数值估计。自己尝试时请用 float64 输入：在 float32 下，舍入误差会淹没中心差分。
#
# Check your work: `prep check gradient-check`. Stuck? `prep hint gradient-check`.
#
# 检查你的答案：`prep check gradient-check`。卡住了？`prep hint gradient-check`。

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
