# %% [markdown]
# # Int8 weight quantization by hand: symmetric scales, per tensor and per channel, a QuantLinear
#
# `int8-weight-quantization` · code · medium · about 25 min
#
# Write symmetric int8 weight quantization without torch's quantization APIs:
#
# * `quantize_symmetric(w, per_channel) -> (q, scale)` for a 2-D float tensor `w`: `scale = max|w| / 127` over the whole
#   tensor (shape `()`) or per row (shape `(rows,)`, when `per_channel`), 1 where that maximum is 0, in w's dtype;
#   `q = clamp(round(w / scale), -127, 127)` as `torch.int8`;
# * `dequantize(q, scale)`: `q * scale` (per row for a 1-D scale) in scale's dtype; every weight is then within
#   `scale / 2` of the original;
# * `class QuantLinear(nn.Module)` with a classmethod `from_float(linear, per_channel=True)`: its forward equals the
#   Linear computed with the dequantized weight, and its `state_dict` holds the weight only as an int8 tensor of the
#   weight's shape (no float copy of it).
#
# Check your work: `prep check int8-weight-quantization`. Stuck? `prep hint int8-weight-quantization`.

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
