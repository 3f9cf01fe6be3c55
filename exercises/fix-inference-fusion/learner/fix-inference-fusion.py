# %% [markdown]
# # Fix the sample answer's torch.jit.fuse: fold Linear-Linear and Conv-BatchNorm by hand, optimize_for_inference right
#
# `fix-inference-fusion` · fix-bug / 修复 bug · medium / 中等 · about 25 min / 约 25 分钟
#
# The stubs are the sample answer's calls. Replace them:
#
# * `fuse_linears(fc1, fc2) -> nn.Linear`: one new Linear equal to `fc2(fc1(x))` for every input, whether or not each
#   layer has a bias, on the layers' device and dtype: its weight is `W2 @ W1` and its bias `W2 @ b1 + b2` (a missing
#   bias counts as zeros);
# * `fold_conv_bn(conv, bn) -> nn.Conv2d`: one new convolution equal to `bn(conv(x))` for `bn` an eval-mode
#   `BatchNorm2d` (its running statistics, affine parameters and eps), for convs with or without bias and with any
#   stride, padding, dilation, groups and kernel shape, keeping the conv's settings, device and dtype; write the folding
#   yourself (`torch.nn.utils.fusion`, the `torch.ao.quantization` fusers and TorchScript's conv-batchnorm folding
#   passes are switched off);
# * both leave the layers they are given unchanged, and the module they return shares no tensor with them (training it
#   later leaves the given layers alone);
# * `optimized_for_inference(model) -> torch.jit.ScriptModule` made with `torch.jit.optimize_for_inference`, giving
#   `model`'s eval-mode outputs, also when `model` comes in train mode; the result is frozen, so calling `.train()` on
#   it or on `model` afterwards does not change its outputs.
#
# TorchScript is deprecated in torch 2.x: torch.compile replaces it for speed (exercise fx-fold-conv-bn) and
# torch.export for deployment (exercise export-cond).
#
# 初始代码是示例答案中的调用。把它们换掉：
#
# * `fuse_linears(fc1, fc2) -> nn.Linear`：一个新的 Linear，对每个输入都等于 `fc2(fc1(x))`，无论每层是否有 bias，位于这些层所在的设备上、使用它们的 dtype：它的权重是 `W2 @ W1`，bias 是 `W2 @ b1 + b2`（缺失的 bias 按零计）；
# * `fold_conv_bn(conv, bn) -> nn.Conv2d`：一个新的卷积，等于 `bn(conv(x))`，其中 `bn` 是处于 eval 模式的 `BatchNorm2d`（使用它的 running 统计量、仿射参数和 eps），适用于有或没有 bias 的卷积以及任意 stride、padding、dilation、groups 和卷积核形状，保持卷积的设置、设备和 dtype；自己写出折叠的计算（`torch.nn.utils.fusion`、`torch.ao.quantization` 的融合函数以及 TorchScript 的 conv-batchnorm 折叠 pass 都已被禁用）；
# * 两者都不改变传入的层，并且返回的模块不与它们共享任何张量（之后训练它不会影响传入的层）；
# * `optimized_for_inference(model) -> torch.jit.ScriptModule`，用 `torch.jit.optimize_for_inference` 生成，给出 `model` 在 eval 模式下的输出，`model` 传入时处于 train 模式也是如此；结果是冻结的，所以之后对它或对 `model` 调用 `.train()` 都不会改变它的输出。
#
# TorchScript 在 torch 2.x 中已被弃用：要提速请改用 torch.compile（练习 fx-fold-conv-bn），要部署请改用 torch.export（练习 export-cond）。
#
# Check your work: `prep check fix-inference-fusion`. Stuck? `prep hint fix-inference-fusion`.
#
# 检查你的答案：`prep check fix-inference-fusion`。卡住了？`prep hint fix-inference-fusion`。

# %%
import torch
from torch import nn

# %% [markdown]
# The seed "fuses operators" with `torch.jit.fuse(FusedModule())` and optimizes with
# `torch.jit.optimize_for_inference(InferenceOptimizedModel())`. `torch.jit.fuse` does not exist (`AttributeError`),
# and `optimize_for_inference` takes a `ScriptModule` of an eval-mode model, not an `nn.Module` (`RuntimeError:
# optimize_for_inference expects a ScriptModule as input`). What "fusion for inference" concretely does is fold
# operations whose composition is again one operation:
#
# * two `nn.Linear` in a row with nothing between them (the seed's `fc2(fc1(x))`) are one affine map:
#   `W = W2 W1`, `b = W2 b1 + b2`;
# * a `Conv2d` followed by an eval-mode `BatchNorm2d` is one convolution: with `s = gamma / sqrt(running_var + eps)`
#   per output channel, `W' = W * s` and `b' = (b - running_mean) * s + beta` (b = 0 when the conv has no bias;
#   a `BatchNorm2d(affine=False)` has no weight or bias: gamma = 1, beta = 0).
#
# 1. `fuse_linears(fc1, fc2) -> nn.Linear` with `fuse_linears(fc1, fc2)(x) == fc2(fc1(x))` (either may lack a bias),
#    on the layers' device and dtype.
# 2. `fold_conv_bn(conv, bn) -> nn.Conv2d` equal to `bn(conv(x))` with `bn` in eval mode, keeping the conv's stride,
#    padding, dilation, groups, kernel shape, device and dtype. Write the folding yourself: `torch.nn.utils.fusion`,
#    the `torch.ao.quantization` fusers and TorchScript's conv-batchnorm folding passes are switched off.
# 3. Both build new modules: the layers they are given stay as they were.
# 4. `optimized_for_inference(model)`: a `torch.jit.ScriptModule` made by `torch.jit.optimize_for_inference` from
#    `model` (which may come in train mode), giving the model's eval-mode outputs; the result is frozen.

# %%
def fuse_linears(fc1, fc2):
    return torch.jit.fuse(nn.Sequential(fc1, fc2))


def fold_conv_bn(conv, bn):
    raise NotImplementedError("fix-inference-fusion: your code here")


def optimized_for_inference(model):
    return torch.jit.optimize_for_inference(model)
