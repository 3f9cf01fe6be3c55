# %% [markdown]
# # A learning rate that follows the loss: ReduceLROnPlateau from scratch (the sample answer ignores the loss)
#
# `plateau-lr` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write `class PlateauLR` with
# `__init__(optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0,
# min_lr=0.0, eps=1e-8)`, `step(metric)` (a float or a 0-d tensor) and `get_last_lr()` (the list of the param groups'
# lrs, as floats; the optimizer's lrs are floats too). It must behave exactly like `torch.optim.lr_scheduler.ReduceLROnPlateau`: after every step, every
# group's lr must equal torch's (relative 1e-12) on any metric sequence, negative metrics included.
#
# * Improvement: mode "min" with "rel": `metric < best * (1 - threshold)`; "min"/"abs": `metric < best - threshold`;
#   "max"/"rel": `metric > best * (1 + threshold)`; "max"/"abs": `metric > best + threshold`. These are strict
#   comparisons, and for a negative best the "rel" forms are exactly these products (not `best - |best| * threshold`).
#   best starts at +inf ("min") or -inf ("max"), so a first metric of +inf ("min") is already a bad epoch. An improvement updates best and resets the count of bad epochs,
#   anything else adds one.
# * While in cooldown (counter > 0), each step decrements the counter and resets the bad count (best still updates).
# * When bad epochs > patience: each group's lr becomes `max(lr * factor, min_lr_i)`, but only if it decreases by more
#   than eps (`lr - new_lr > eps`: a `min_lr_i` above the current lr never raises it); then the cooldown counter is set to `cooldown` and the bad count to 0.
# * `min_lr` is a float or a list with one value per group. `ValueError` for factor >= 1, an unknown mode or
#   threshold_mode, or a min_lr list whose length differs from the number of groups.
#
# `ReduceLROnPlateau` is switched off while grading (its base class `LRScheduler`, which holds no schedule, stays:
# `PlateauLR` may be a plain class or derive from it). The sample answer to "adjust the learning rate according to the
# loss" never reads the loss: it is a fixed exponential decay (gamma 0.1 per epoch, so lr = 1e-9 by epoch 6) that also
# overwrites every param group with the same lr.
#
# 编写 `class PlateauLR`，包含 `__init__(optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8)`、`step(metric)`（metric 为 float 或 0 维张量）和 `get_last_lr()`（各参数组的 lr 组成的列表，均为 float；优化器的 lr 也都是 float）。它的行为必须与 `torch.optim.lr_scheduler.ReduceLROnPlateau` 完全一致：对任意指标序列（包括负的指标），每次 step 之后，每个参数组的 lr 都必须等于 torch 给出的值（相对误差 1e-12）。
#
# * 改进：mode 为 "min"、threshold_mode 为 "rel" 时为 `metric < best * (1 - threshold)`；"min"/"abs"：`metric < best - threshold`；"max"/"rel"：`metric > best * (1 + threshold)`；"max"/"abs"：`metric > best + threshold`。这些都是严格比较；当 best 为负数时，"rel" 的形式也恰好就是这些乘积（而不是 `best - |best| * threshold`）。best 初始为 +inf（"min"）或 -inf（"max"），因此（"min" 模式下）第一个指标若为 +inf，就已经算作一个坏 epoch。一次改进会更新 best 并把坏 epoch 计数清零，其他情况都让该计数加一。
# * 处于冷却期时（计数器 > 0），每次 step 都把该计数器减一，并把坏 epoch 计数清零（best 仍然照常更新）。
# * 当坏 epoch 数 > patience 时：每个参数组的 lr 变为 `max(lr * factor, min_lr_i)`，但只有在减小量大于 eps 时才改变（`lr - new_lr > eps`：高于当前 lr 的 `min_lr_i` 永远不会把 lr 调高）；然后把冷却计数器设为 `cooldown`，把坏 epoch 计数设为 0。
# * `min_lr` 是一个 float，或者是每个参数组一个值的列表。以下情况抛出 `ValueError`：factor >= 1、未知的 mode 或 threshold_mode、长度与参数组数量不同的 min_lr 列表。
#
# 评分时 `ReduceLROnPlateau` 被禁用（它的基类 `LRScheduler` 不含任何调度策略，仍然保留：`PlateauLR` 可以是普通类，也可以派生自它）。示例答案对“根据损失调整学习率”的回答从未读取损失：它是一个固定的指数衰减（每个 epoch 的 gamma 为 0.1，所以到第 6 个 epoch 时 lr = 1e-9），而且还用同一个 lr 覆盖了每个参数组。
#
# Check your work: `prep check plateau-lr`. Stuck? `prep hint plateau-lr`.
#
# 检查你的答案：`prep check plateau-lr`。卡住了？`prep hint plateau-lr`。

# %%
import torch

# %% [markdown]
# A scheduler driven by the loss: cut every group's lr by `factor` once the metric has
# not improved for more than `patience` steps. "Improved" means better than the best value
# so far by more than `threshold` (relative or absolute); after a cut, `cooldown` steps
# pass in which bad epochs are not counted.

# %%
class PlateauLR:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        raise NotImplementedError("plateau-lr: your code here")

    def step(self, metric):
        raise NotImplementedError("plateau-lr: your code here")

    def get_last_lr(self):
        raise NotImplementedError("plateau-lr: your code here")
