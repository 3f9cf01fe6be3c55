# %% [markdown]
# # Learning-rate schedules in closed form: step, exponential, cosine, warm-up then cosine
#
# `lr-schedules` · code / 编写代码 · easy / 简单 · about 25 min / 约 25 分钟
#
# Write the schedules in closed form, as functions of t, the number of scheduler steps taken so far (t = 0 before the
# first step). Each returns a Python float equal (relative 1e-12) to the lr the torch scheduler gives at t:
#
# * `step_lr(t, base_lr, step_size, gamma=0.1)`: `StepLR`
# * `exponential_lr(t, base_lr, gamma)`: `ExponentialLR`
# * `cosine_lr(t, base_lr, T_max, eta_min=0.0)`: `CosineAnnealingLR`, for every t >= 0, past T_max included
# * `warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1)`:
#   `SequentialLR(opt, [LinearLR(opt, start_factor, total_iters=warmup), CosineAnnealingLR(opt, T_max, eta_min)],
#   milestones=[warmup])`, with warmup >= 1
#
# Then `class WarmupCosine` with `__init__(optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1)`, `step()` and
# `get_last_lr()`: at construction it sets every param group's lr to `warmup_cosine_lr(0, initial lr of that group, ...)`
# and each `step()` advances t by one and sets them again; `get_last_lr()` returns a list of the groups' lrs (the caller's to keep: writing into it changes neither the schedule nor the list a later `step()` gives), as
# Python floats. It may be a plain class or derive from `torch.optim.lr_scheduler.LRScheduler`.
#
# Finally `train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0)`: SGD with lr `base_lr` on
# `F.mse_loss`, your `WarmupCosine` (start_factor 0.1), batches `X[i:i + batch_size]` in order (the last one may be
# shorter); the scheduler steps once per epoch, after the epoch's batches. It returns the list of the lrs used in each
# epoch, as Python floats (epoch 1 uses t = 0).
#
# Every scheduler torch ships is switched off while grading (the classes of `torch.optim.lr_scheduler` and
# `torch.optim.swa_utils.SWALR`); their base class `LRScheduler`, which holds no schedule, stays. The sample answer builds a
# CosineAnnealingLR and a StepLR, then never calls `scheduler.step()`, so its learning rate never changes.
#
# 以闭式形式编写这些调度，作为 t 的函数，t 是调度器到目前为止执行过的 step 次数（第一次 step 之前 t = 0）。每个函数返回一个 Python float，等于 torch 调度器在 t 时给出的 lr（相对误差 1e-12）：
#
# * `step_lr(t, base_lr, step_size, gamma=0.1)`：`StepLR`
# * `exponential_lr(t, base_lr, gamma)`：`ExponentialLR`
# * `cosine_lr(t, base_lr, T_max, eta_min=0.0)`：`CosineAnnealingLR`，对每个 t >= 0 都成立，包括超过 T_max 的 t
# * `warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1)`：`SequentialLR(opt, [LinearLR(opt, start_factor, total_iters=warmup), CosineAnnealingLR(opt, T_max, eta_min)], milestones=[warmup])`，其中 warmup >= 1
#
# 然后编写 `class WarmupCosine`，包含 `__init__(optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1)`、`step()` 和 `get_last_lr()`：构造时它把每个参数组的 lr 设为 `warmup_cosine_lr(0, initial lr of that group, ...)`（即第二个参数为该参数组的初始 lr），每次 `step()` 把 t 加一并重新设置这些 lr；`get_last_lr()` 返回一个列表，包含各参数组的 lr（归调用方所有：往里写入既不改变调度，也不改变之后 `step()` 给出的列表），均为 Python float。它可以是普通类，也可以派生自 `torch.optim.lr_scheduler.LRScheduler`。
#
# 最后编写 `train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0)`：在 `F.mse_loss` 上用学习率为 `base_lr` 的 SGD 训练，配合你的 `WarmupCosine`（start_factor 为 0.1），按顺序取批次 `X[i:i + batch_size]`（最后一批可以更短）；调度器每个 epoch step 一次，在该 epoch 的所有批次之后。它返回每个 epoch 所用 lr 的列表，均为 Python float（第 1 个 epoch 使用 t = 0）。
#
# 评分时 torch 自带的所有调度器都被禁用（`torch.optim.lr_scheduler` 中的各个类以及 `torch.optim.swa_utils.SWALR`）；它们的基类 `LRScheduler` 不含任何调度策略，仍然保留。示例答案构造了一个 CosineAnnealingLR 和一个 StepLR，却从未调用 `scheduler.step()`，所以它的学习率从不改变。
#
# Check your work: `prep check lr-schedules`. Stuck? `prep hint lr-schedules`.
#
# 检查你的答案：`prep check lr-schedules`。卡住了？`prep hint lr-schedules`。

# %%
import math

import torch
import torch.nn.functional as F

# %% [markdown]
# Epoch t counts scheduler steps taken so far (t = 0 before the first `scheduler.step()`).
# Write each schedule in closed form; it must agree with torch's recursive schedulers.

# %%
def step_lr(t, base_lr, step_size, gamma=0.1):
    raise NotImplementedError("lr-schedules: your code here")


def exponential_lr(t, base_lr, gamma):
    raise NotImplementedError("lr-schedules: your code here")


def cosine_lr(t, base_lr, T_max, eta_min=0.0):
    raise NotImplementedError("lr-schedules: your code here")


def warmup_cosine_lr(t, base_lr, warmup, T_max, eta_min=0.0, start_factor=0.1):
    raise NotImplementedError("lr-schedules: your code here")

# %%
class WarmupCosine:
    """Sets every param group's lr to warmup_cosine_lr(t, that group's initial lr, ...)."""

    def __init__(self, optimizer, warmup, T_max, eta_min=0.0, start_factor=0.1):
        raise NotImplementedError("lr-schedules: your code here")

    def step(self):
        raise NotImplementedError("lr-schedules: your code here")

    def get_last_lr(self):
        raise NotImplementedError("lr-schedules: your code here")

# %%
def train(model, X, y, epochs, batch_size, base_lr, warmup, T_max, eta_min=0.0):
    raise NotImplementedError("lr-schedules: your code here")
