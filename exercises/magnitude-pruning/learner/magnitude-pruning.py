# %% [markdown]
# # Magnitude pruning from scratch: L1 masks, a mask that survives training, making it permanent, global pruning
#
# `magnitude-pruning` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write, without `torch.nn.utils.prune`:
#
# * `l1_unstructured_mask(weight, amount)`: a mask of `weight`'s shape and dtype (a plain tensor that does not require
#   grad), 0 at the `k` entries of smallest `|w|` and 1 elsewhere, where `k = round(amount * weight.numel())` for a
#   float amount (Python's `round`: 2.5 gives 2) and `k = amount` for an int. When entries tie in `|w|` at the cut,
#   those with the lowest row-major (flat) index are pruned first (a stable sort gives that order; `torch.topk` leaves
#   it unspecified); row-major means the order of the logical indices, whatever `weight`'s memory layout (a
#   transposed view included). `weight` itself is left unchanged.
# * `prune_linear(module, amount)`: prune an `nn.Linear`'s weight in place, as `prune.l1_unstructured` does: afterwards
#   its parameters are `weight_orig` (the original Parameter object itself, so that an optimizer built before pruning
#   keeps training it) and `bias`, its buffers `weight_mask`, and before every forward `module.weight` (a plain
#   tensor, set right away) is recomputed as `weight_orig * weight_mask`, so pruned entries stay 0 through training.
#   It returns the module, as `prune.l1_unstructured` does.
# * `remove_pruning(module)`: make it permanent: `weight` becomes a plain Parameter holding the masked values, which
#   trains like any Linear weight; `weight_orig`, `weight_mask` and the hook are gone. It returns the module.
# * `global_l1_masks(tensors, amount)` (the tensors share one dtype): one mask per tensor, of its shape and dtype,
#   pruning the smallest entries across all of them together (`prune.global_unstructured` with `L1Unstructured`), ties
#   in the list's order and then row-major within a tensor; the tensors are left unchanged.
#
# The sample answer calls `pruning_utils.prune(...)`, which does not exist.
#
# 不使用 `torch.nn.utils.prune`，编写：
#
# * `l1_unstructured_mask(weight, amount)`：一个形状和 dtype 都与 `weight` 相同的掩码（一个不需要梯度的普通张量），在 `|w|` 最小的 `k` 个元素处为 0，其余处为 1；amount 为 float 时 `k = round(amount * weight.numel())`（Python 的 `round`：2.5 得 2），amount 为 int 时 `k = amount`。当多个元素在截断处的 `|w|` 相等时，行优先（展平后）下标最小的先被剪掉（稳定排序给出的就是这个顺序；`torch.topk` 没有规定这个顺序）；行优先指逻辑下标的顺序，与 `weight` 的内存布局无关（转置视图也可能出现）。`weight` 本身保持不变。
# * `prune_linear(module, amount)`：像 `prune.l1_unstructured` 那样原地剪枝一个 `nn.Linear` 的权重：剪枝之后，它的参数是 `weight_orig`（就是原来那个 Parameter 对象本身，这样剪枝之前构造的优化器会继续训练它）和 `bias`，它的缓冲区是 `weight_mask`，并且在每次前向传播之前，`module.weight`（一个普通张量，剪枝时立即设置）都会重新计算为 `weight_orig * weight_mask`，从而被剪掉的元素在整个训练过程中一直保持为 0。它返回该模块，与 `prune.l1_unstructured` 一样。
# * `remove_pruning(module)`：使剪枝永久化：`weight` 变成一个存放掩码后数值的普通 Parameter，它像任何 Linear 权重一样参与训练；`weight_orig`、`weight_mask` 和钩子都被移除。它返回该模块。
# * `global_l1_masks(tensors, amount)`（这些张量的 dtype 相同）：每个张量一个掩码，形状和 dtype 与该张量相同，在所有张量合在一起的范围内剪掉最小的元素（即 `prune.global_unstructured` 配合 `L1Unstructured`），值相等时先按列表中的顺序，再在同一个张量内按行优先顺序；这些张量本身保持不变。
#
# 示例答案调用了 `pruning_utils.prune(...)`，而这个函数并不存在。
#
# Check your work: `prep check magnitude-pruning`. Stuck? `prep hint magnitude-pruning`.
#
# 检查你的答案：`prep check magnitude-pruning`。卡住了？`prep hint magnitude-pruning`。

# %%
import torch
import torch.nn as nn

# %% [markdown]
# Unstructured magnitude pruning zeroes the weights of smallest |w|. PyTorch keeps the
# trainable tensor as `weight_orig`, the 0/1 `weight_mask` as a buffer, and recomputes
# `weight = weight_orig * weight_mask` before every forward, so pruned entries stay zero
# while training goes on. Making it permanent folds the mask in and removes the hook.
# (The zeros save nothing by themselves: dense kernels still multiply them.)
#
# Ties: when several entries share |w| at the cut, prune them in row-major (flat index) order,
# lowest first (a stable sort does; `torch.topk` leaves the order of ties unspecified). In
# `global_l1_masks` the order is the list's, then row-major within each tensor. `weight_orig` must
# be the module's original Parameter (an optimizer built before pruning keeps training it);
# `module.weight` is set right away, and both prune_linear and remove_pruning return the module.

# %%
def l1_unstructured_mask(weight, amount):
    raise NotImplementedError("magnitude-pruning: your code here")


def prune_linear(module, amount):
    raise NotImplementedError("magnitude-pruning: your code here")


def remove_pruning(module):
    raise NotImplementedError("magnitude-pruning: your code here")


def global_l1_masks(tensors, amount):
    raise NotImplementedError("magnitude-pruning: your code here")
