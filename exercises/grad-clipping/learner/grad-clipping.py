# %% [markdown]
# # Gradient clipping by total norm and by value, exactly as torch.nn.utils does it
#
# `grad-clipping` · code / 编写代码 · easy / 简单 · about 20 min / 约 20 分钟
#
# Write `clip_grad_norm(parameters, max_norm, norm_type=2.0) -> Tensor` and `clip_grad_value(parameters, clip_value)`,
# behaving exactly like `torch.nn.utils.clip_grad_norm_` and `torch.nn.utils.clip_grad_value_`:
#
# * `clip_grad_norm` computes one total norm of order `norm_type` (1, 2, 3, ..., or `math.inf`: the largest |entry|)
#   over all the gradients together, scales every gradient in place by `min(1, max_norm / (total + 1e-6))`
#   (`max_norm = 0` included), and returns the total computed before clipping as a 0-d tensor of the gradients' dtype
#   (`torch.tensor(0.0)` when no parameter has a gradient).
# * `clip_grad_value` clamps every gradient entry in place to `[-clip_value, clip_value]` (`clip_value = 0` included)
#   and returns None.
#
# Both skip parameters whose `.grad` is None, modify `.grad` in place (the same tensor objects), and accept a single
# tensor or any iterable of tensors, a one-shot generator like `model.parameters()` included. Neither records a graph,
# also for gradients that carry one (after `backward(create_graph=True)`): the returned total does not require grad and
# the in-place changes stay out of the gradients' graphs. Results must equal torch's to 1e-10 in float64. `torch.nn.utils`' clipping functions are switched off.
#
# The sample answer names gradient clipping as a cure for exploding gradients but its demo never clips (it trains with Adam,
# which does not stop gradients from vanishing or exploding).
#
# 编写 `clip_grad_norm(parameters, max_norm, norm_type=2.0) -> Tensor` 和 `clip_grad_value(parameters, clip_value)`，行为与 `torch.nn.utils.clip_grad_norm_` 和 `torch.nn.utils.clip_grad_value_` 完全相同：
#
# * `clip_grad_norm` 把所有梯度放在一起计算一个 `norm_type` 阶的总范数（1、2、3、……，或 `math.inf`：绝对值最大的元素），把每个梯度原地乘以 `min(1, max_norm / (total + 1e-6))`（包括 `max_norm = 0`），并以 0 维张量返回裁剪之前算出的总范数，dtype 与梯度相同（没有任何参数有梯度时返回 `torch.tensor(0.0)`）。
# * `clip_grad_value` 把每个梯度元素原地截断到 `[-clip_value, clip_value]`（包括 `clip_value = 0`），并返回 None。
#
# 两者都跳过 `.grad` 为 None 的参数，原地修改 `.grad`（同一批张量对象），并接受单个张量或任意张量可迭代对象，包括 `model.parameters()` 这样只能遍历一次的生成器。两者都不记录计算图，对本身带有计算图的梯度（在 `backward(create_graph=True)` 之后）也是如此：返回的总范数不需要梯度，原地修改也不进入梯度的计算图。在 float64 下结果必须与 torch 的结果一致到 1e-10。`torch.nn.utils` 的裁剪函数已被禁用。
#
# 示例答案把梯度裁剪列为梯度爆炸的解决办法，但它的演示代码从未做过裁剪（它用 Adam 训练，而 Adam 并不能阻止梯度消失或爆炸）。
#
# Check your work: `prep check grad-clipping`. Stuck? `prep hint grad-clipping`.
#
# 检查你的答案：`prep check grad-clipping`。卡住了？`prep hint grad-clipping`。

# %%
import math

import torch

# %% [markdown]
# The seed lists gradient clipping against exploding gradients but never uses it. Two kinds:
#
# * **by norm** (`torch.nn.utils.clip_grad_norm_`): one total norm over *all* gradients
#   together (the norm of the per-parameter norms); if it exceeds `max_norm`, every gradient
#   is scaled by the same factor, so the update keeps its direction. torch's factor is
#   `max_norm / (total_norm + 1e-6)`, capped at 1. It returns the total norm computed
#   *before* clipping (handy for logging).
# * **by value** (`clip_grad_value_`): each entry is clamped to `[-clip_value, clip_value]`,
#   which can change the direction.
#
# Both modify `.grad` in place and skip parameters whose `.grad` is None. `parameters` may be
# a single tensor or any iterable, a generator such as `model.parameters()` included: read it
# only once.

# %%
def clip_grad_norm(parameters, max_norm, norm_type=2.0):
    """Clip the gradients' total norm in place, as torch.nn.utils.clip_grad_norm_ does; return that norm (0-d)."""
    raise NotImplementedError("grad-clipping: your code here")


def clip_grad_value(parameters, clip_value):
    """Clamp every gradient entry to [-clip_value, clip_value] in place, as torch.nn.utils.clip_grad_value_ does."""
    raise NotImplementedError("grad-clipping: your code here")
