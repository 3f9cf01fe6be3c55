# %% [markdown]
# # Layers by hand: nn.Linear's layout, Xavier and Kaiming initialisation, and spotting dead ReLU units
#
# `weight-init` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# Write:
#
# * `dense_forward(x, W, b, activation="identity")`: `activation(x @ W.T + b)` in `nn.Linear`'s layout (`W` is
#   `(out, in)`), for activations "identity", "relu", "sigmoid", "tanh", keeping `x`'s leading dimensions (a single 1-D
#   sample too) and dtype; `ValueError` if `x`'s last dimension is not `W.shape[1]`, `b`'s shape is not exactly
#   `(W.shape[0],)` (a `(1, out)` bias included), or the activation is unknown.
# * `fans(shape)`: `(fan_in, fan_out)`, a tuple of two Python ints, for a weight of that shape, as `torch.nn.init`
#   counts them; like torch, a shape with fewer than 2 dimensions raises `ValueError`.
# * `gain(nonlinearity, param=None)`: as `torch.nn.init.calculate_gain` for "linear", "conv1d/2d/3d", "sigmoid",
#   "tanh", "relu" and "leaky_relu" (slope `param`, default 0.01; an explicit 0 is a slope of 0).
# * `xavier_uniform_(tensor, gain=1.0, generator=None)` and
#   `kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None)`: fill `tensor` in place
#   (it may be an `nn.Parameter`) and return that same tensor, drawing from `generator` (torch's global generator when
#   it is None) exactly as `torch.nn.init`'s versions do, so that the same seed gives the same values (a non-contiguous tensor, such as a transposed view, included: draw into the tensor itself, as torch does); a tensor with
#   fewer than 2 dimensions raises `ValueError`.
# * `dead_relu_units(model, x)`: for an `nn.Sequential`, one list per `nn.ReLU` (in order) of the indices (Python ints,
#   increasing) of the units whose input is <= 0 (exactly 0 included) for every sample of `x` (a model that uses one `nn.ReLU` module at two positions is not asked about); it leaves `model` as it found it: in the train/eval mode it was in, with no hook added.
#
# `torch.nn.init` is off limits as a whole (its initialisers, `calculate_gain` and its fan helpers are switched off), so
# layers that initialise themselves, such as a new `nn.Linear`, cannot be built in your code here: work on the tensors
# and models you are given. The sample answers' one-unit ReLU "linear regression" can start with its only hidden unit dead, and
# their forward formula writes Weight . Input for batch rows.
#
# 编写：
#
# * `dense_forward(x, W, b, activation="identity")`：按 `nn.Linear` 的布局（`W` 为 `(out, in)`）计算 `activation(x @ W.T + b)`，激活函数可以是 "identity"、"relu"、"sigmoid"、"tanh"，保持 `x` 的前导维度（单个一维样本也一样）和 dtype；以下情况抛出 `ValueError`：`x` 的最后一维不等于 `W.shape[1]`，`b` 的形状不恰好是 `(W.shape[0],)`（包括形状为 `(1, out)` 的偏置），或激活函数未知。
# * `fans(shape)`：该形状的权重的 `(fan_in, fan_out)`，为两个 Python int 组成的元组，计数方式与 `torch.nn.init` 相同；与 torch 一样，维数少于 2 的形状抛出 `ValueError`。
# * `gain(nonlinearity, param=None)`：与 `torch.nn.init.calculate_gain` 相同，适用于 "linear"、"conv1d/2d/3d"、"sigmoid"、"tanh"、"relu" 和 "leaky_relu"（斜率为 `param`，默认 0.01；显式给出的 0 就是斜率 0）。
# * `xavier_uniform_(tensor, gain=1.0, generator=None)` 和 `kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None)`：原地填充 `tensor`（它可能是一个 `nn.Parameter`）并返回这个张量本身，与 `torch.nn.init` 中的版本完全一样地从 `generator` 抽取随机数（为 None 时使用 torch 的全局生成器），使相同的种子得到相同的值（包括非连续的张量，例如转置视图：像 torch 一样直接抽取到张量本身）；维数少于 2 的张量抛出 `ValueError`。
# * `dead_relu_units(model, x)`：对一个 `nn.Sequential`，每个 `nn.ReLU`（按顺序）对应一个列表，列出那些对 `x` 的每个样本输入都 <= 0（包括恰好为 0）的单元的下标（Python int，递增）（同一个 `nn.ReLU` 模块用在两个位置的模型不在考查范围内）；它让 `model` 保持原样：仍处于原来的 train/eval 模式，也不留下任何钩子。
#
# `torch.nn.init` 整体不可用（它的初始化函数、`calculate_gain` 和计算 fan 的辅助函数都被禁用），因此会自行初始化的层（例如新建的 `nn.Linear`）在你这里的代码中无法构造：请在给你的张量和模型上操作。示例答案那个只有一个单元的 ReLU“线性回归”在开始时其唯一的隐藏单元就可能是死的，而且它的前向传播公式对按行排列的批次写成了 Weight . Input。
#
# Check your work: `prep check weight-init`. Stuck? `prep hint weight-init`.
#
# 检查你的答案：`prep check weight-init`。卡住了？`prep hint weight-init`。

# %%
import math

import torch
import torch.nn as nn

# %% [markdown]
# `nn.Linear(in, out)` stores its weight as (out, in) and computes `x @ W.T + b`, so
# fan_in is the second dimension; a conv weight (out, in, kh, kw) has fan_in = in * kh * kw
# and fan_out = out * kh * kw. Initialisers scale the weights by the fans so that
# activations keep their variance through the layers.
#
# The details the graders hold you to: `fans` returns a tuple of two Python ints and, like
# torch, raises `ValueError` for fewer than 2 dimensions; `gain("leaky_relu", 0)` is a slope of
# 0 (only None means 0.01); the initialisers fill the tensor in place, return that same tensor and
# use the global generator when `generator` is None; a bias must be exactly `(out,)`; a unit is
# dead when its input is <= 0 (exactly 0 included) for every sample. `torch.nn.init` is switched
# off as a whole, so a new `nn.Linear` cannot be built here (its constructor initialises itself).

# %%
def dense_forward(x, W, b, activation="identity"):
    raise NotImplementedError("weight-init: your code here")


def fans(shape):
    raise NotImplementedError("weight-init: your code here")


def gain(nonlinearity, param=None):
    raise NotImplementedError("weight-init: your code here")

# %%
def xavier_uniform_(tensor, gain=1.0, generator=None):
    raise NotImplementedError("weight-init: your code here")


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    raise NotImplementedError("weight-init: your code here")

# %%
def dead_relu_units(model, x):
    raise NotImplementedError("weight-init: your code here")
