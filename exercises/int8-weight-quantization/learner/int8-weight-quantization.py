# %% [markdown]
# # Int8 weight quantization by hand: symmetric scales, per tensor and per channel, a QuantLinear
#
# `int8-weight-quantization` · code / 编写代码 · medium / 中等 · about 25 min / 约 25 分钟
#
# Write symmetric int8 weight quantization without torch's quantization APIs (they are switched off):
#
# * `quantize_symmetric(w, per_channel) -> (q, scale)` for a 2-D float tensor `w` (float32 or float64): `scale = max|w| /
#   127` over the whole tensor (shape `()`) or per row (shape `(rows,)`, when `per_channel`), 1 where that maximum is 0,
#   in w's dtype; `q = clamp(round(w / scale), -127, 127)` as `torch.int8`, where `round` is `torch.round` (a half goes
#   to the even neighbour: 2.5 gives 2), the quotient computed in w's dtype (where it lands within a few units in the
#   last place of a half-integer, `w * (1 / scale)` may round to the other neighbour: either is accepted there);
# * `dequantize(q, scale)`: `q * scale` (per row for a 1-D scale) in scale's dtype; every weight is then within
#   `scale / 2` of the original;
# * `class QuantLinear(nn.Module)` with a classmethod `from_float(linear, per_channel=True)`: its forward equals the
#   Linear computed with the dequantized weight (and the Linear's bias, if it has one), and its `state_dict` holds the
#   weight only as an int8 tensor of the weight's shape (no float copy of it, there or elsewhere: the forward dequantizes the int8 weight the module holds, so loading another one with `load_state_dict` takes effect). It is an inference-only copy: changing the
#   float Linear's weight or bias afterwards changes nothing, and its output for an input that does not require grad does
#   not require grad either.
#
# 编写对称的 int8 权重量化，不使用 torch 的量化 API（它们已被禁用）：
#
# * `quantize_symmetric(w, per_channel) -> (q, scale)`，输入为二维浮点张量 `w`（float32 或 float64）：`scale = max|w| / 127`，最大值在整个张量上取（形状为 `()`），或逐行取（形状为 `(rows,)`，当 `per_channel` 为真时），该最大值为 0 处取 1，dtype 与 w 相同；`q = clamp(round(w / scale), -127, 127)`，类型为 `torch.int8`，其中 `round` 即 `torch.round`（恰好为一半时取偶数的那个邻居：2.5 得 2），商按 w 的 dtype 计算（当商落在距某个半整数只有该 dtype 末位几个单位之内时，`w * (1 / scale)` 可能舍入到另一个邻居：此处两者都算对）；
# * `dequantize(q, scale)`：`q * scale`（scale 为一维时按行相乘），dtype 与 scale 相同；这样得到的每个权重与原值之差都在 `scale / 2` 以内；
# * `class QuantLinear(nn.Module)`，带有类方法 `from_float(linear, per_channel=True)`：它的前向传播等于用反量化后的权重（以及该 Linear 的偏置，如果有的话）计算的 Linear，它的 `state_dict` 只以 int8 张量的形式保存权重，形状与权重相同（不含权重的浮点副本，state_dict 之外也没有：前向传播对模块当前持有的 int8 权重做反量化，所以用 `load_state_dict` 载入另一个 int8 权重会立即生效）。它是只用于推理的副本：之后再修改浮点 Linear 的权重或偏置不会改变它的任何东西；输入不需要梯度时，它的输出也不需要梯度。
#
# Check your work: `prep check int8-weight-quantization`. Stuck? `prep hint int8-weight-quantization`.
#
# 检查你的答案：`prep check int8-weight-quantization`。卡住了？`prep hint int8-weight-quantization`。

# %%
import torch
from torch import nn

# %% [markdown]
# The seed quantizes with `torch.quantization.quantize_dynamic(model, {nn.Linear, nn.Conv2d}, dtype=torch.qint8)`.
# It runs, but the Conv2d is silently left in float (dynamic quantization covers Linear and RNN layers), the API is
# deprecated in torch 2.x (in favour of torchao), and the accuracy it claims is never measured. Here you write
# weight-only int8 quantization yourself, the core of what such APIs do.
#
# **Symmetric quantization**: `q = clamp(round(w / scale), -127, 127)` as int8, with `scale = max|w| / 127`, so the
# largest weight maps to ±127; `dequantize(q, scale) = q * scale`, and each weight is off by at most `scale / 2`.
# Per tensor there is one scale; **per channel** there is one per output row (`w[i]`), which keeps small rows
# precise when row magnitudes differ. A row (or tensor) of zeros gets scale 1.
#
# 1. `quantize_symmetric(w, per_channel) -> (q, scale)` for a 2-D float weight: `q` int8 of w's shape; `scale` float
#    of w's dtype, shape `()` per tensor or `(rows,)` per channel.
# 2. `dequantize(q, scale)`: the float weights back (w's dtype is scale's dtype).
# 3. `QuantLinear.from_float(linear, per_channel=True)`: a module whose forward equals `linear` computed with the
#    dequantized weight, storing the weight only as an int8 buffer `qweight` (plus `scale` and the float `bias`).

# %%
def quantize_symmetric(w, per_channel):
    raise NotImplementedError("int8-weight-quantization: your code here")


def dequantize(q, scale):
    raise NotImplementedError("int8-weight-quantization: your code here")


class QuantLinear(nn.Module):
    def __init__(self, qweight, scale, bias):
        super().__init__()
        raise NotImplementedError("int8-weight-quantization: your code here")

    @classmethod
    def from_float(cls, linear, per_channel=True):
        raise NotImplementedError("int8-weight-quantization: your code here")

    def forward(self, x):
        raise NotImplementedError("int8-weight-quantization: your code here")
