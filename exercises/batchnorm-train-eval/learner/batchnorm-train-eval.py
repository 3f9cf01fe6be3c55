# %% [markdown]
# # BatchNorm2d from scratch: batch statistics in train(), running statistics in eval()
#
# `batchnorm-train-eval` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write `MyBatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True)`, an `nn.Module` that behaves exactly as
# `nn.BatchNorm2d` on `(N, C, H, W)` input (any N, H and W with N * H * W > 1, any memory layout, channels_last
# included), in both modes:
#
# * parameters `weight` (ones) and `bias` (zeros), each of shape `(C,)`, when `affine`; buffers `running_mean` (zeros),
#   `running_var` (ones) and `num_batches_tracked` (a 0-d int64 0), so that the `state_dict` has `nn.BatchNorm2d`'s keys
#   in its order, shapes and dtypes;
# * `train()`: normalise each channel with the batch mean and biased variance over (N, H, W), then scale and shift;
#   increment `num_batches_tracked` and update the running statistics with factor `momentum` (the unbiased variance;
#   an explicit `momentum` such as 0.0 or 1.0 is used as given, `momentum=None` means a cumulative average, factor
#   `1 / num_batches_tracked`);
# * the running statistics are plain tensors after a step: they keep no graph and do not require grad;
# * `eval()`: normalise with the running statistics and leave them unchanged, without modifying the input.
#
# Outputs, running statistics and gradients (input, weight, bias, in both modes) must match `nn.BatchNorm2d`
# (float64, 1e-9). `nn.BatchNorm*`, `F.batch_norm` and the other normalisations that compute the same thing on a
# reshaped input (`F.instance_norm`, `F.layer_norm`, `F.group_norm`, `F.rms_norm` and their modules) are off limits.
# The sample answer adds a BatchNorm layer but never switches between `train()` and `eval()`.
#
# 编写 `MyBatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True)`，一个 `nn.Module`，它在 `(N, C, H, W)` 输入上（任意满足 N * H * W > 1 的 N、H 和 W，任意内存布局，包括 channels_last）的行为与 `nn.BatchNorm2d` 完全相同，两种模式下都是如此：
#
# * `affine` 时有参数 `weight`（全 1）和 `bias`（全 0），形状都是 `(C,)`；缓冲区 `running_mean`（全 0）、`running_var`（全 1）和 `num_batches_tracked`（0 维 int64 的 0），使 `state_dict` 的键与 `nn.BatchNorm2d` 的相同，顺序、形状和 dtype 也都相同；
# * `train()`：用在 (N, H, W) 上计算的批次均值和有偏方差对每个通道做归一化，然后缩放和平移；把 `num_batches_tracked` 加一，并以因子 `momentum` 更新运行统计量（用无偏方差；显式给出的 `momentum`，例如 0.0 或 1.0，按给定值使用，`momentum=None` 表示累积平均，因子为 `1 / num_batches_tracked`）；
# * 执行一步之后，运行统计量是普通张量：它们不保留计算图，也不需要梯度；
# * `eval()`：用运行统计量做归一化并保持它们不变，不修改输入。
#
# 输出、运行统计量和梯度（输入、weight、bias 的梯度，两种模式下）都必须与 `nn.BatchNorm2d` 一致（float64，1e-9）。`nn.BatchNorm*`、`F.batch_norm` 以及在变形后的输入上计算同样结果的其他归一化（`F.instance_norm`、`F.layer_norm`、`F.group_norm`、`F.rms_norm` 及其模块）都禁止使用。示例答案加了一个 BatchNorm 层，但从未在 `train()` 和 `eval()` 之间切换。
#
# Check your work: `prep check batchnorm-train-eval`. Stuck? `prep hint batchnorm-train-eval`.
#
# 检查你的答案：`prep check batchnorm-train-eval`。卡住了？`prep hint batchnorm-train-eval`。

# %%
import torch
import torch.nn as nn

# %% [markdown]
# Batch normalisation behaves differently in the two modes. In `train()` it normalises with
# the batch's own mean and (biased) variance over (N, H, W) and updates running estimates
# with the unbiased variance; in `eval()` it uses the running estimates, so one sample's
# output no longer depends on the rest of the batch.
#
#     running = (1 - momentum) * running + momentum * batch_statistic
#     momentum=None: a cumulative average, momentum = 1 / num_batches_tracked
#
# An explicit momentum (0.0 and 1.0 included) is used as given. After a step the running
# statistics are plain tensors (no graph, no requires_grad); eval() changes neither them nor the
# input. Any N, H, W with N * H * W > 1 and any memory layout (channels_last) must work.
# `nn.BatchNorm*`, `F.batch_norm` and the normalisations that compute the same thing on a
# reshaped input (`F.instance_norm`, `F.layer_norm`, `F.group_norm`, `F.rms_norm`) are off limits.

# %%
class MyBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super().__init__()
        raise NotImplementedError("batchnorm-train-eval: your code here")

    def forward(self, x):
        raise NotImplementedError("batchnorm-train-eval: your code here")
